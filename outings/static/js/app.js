// Enhancements every page loads. Each feature lives in its own module and
// only starts where its elements are on the page.
import { startPasskeys } from "./passkeys.js";

startPasskeys(document);

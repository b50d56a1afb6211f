// Enhancements every page loads. Each feature lives in its own module and
// only starts where its elements are on the page.
import { startOffline } from "./offline.js";
import { startPasskeys } from "./passkeys.js";
import { startNear } from "./near.js";
import { startPush } from "./push.js";

startPasskeys(document);
startNear(document);
startPush(document);
startOffline();

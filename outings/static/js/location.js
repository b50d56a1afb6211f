// "I'm here now" on the venue form (issue 12): the phone says where the place
// is, into the form's hidden latitude and longitude, instead of a parent
// typing coordinates. Refused or unavailable, the form says so in words and
// the place is simply listed without a location. The server still checks
// the values it receives.
const box = document.getElementById("location");
if (box) {
  const latitude = document.getElementById("f-latitude");
  const longitude = document.getElementById("f-longitude");
  const state = document.getElementById("location-state");
  const error = document.getElementById("location-error");
  const locate = document.getElementById("locate");
  const remove = document.getElementById("location-remove");
  const words = box.dataset;

  const show = (message = "") => {
    const saved = latitude.value !== "" && longitude.value !== "";
    state.textContent = saved ? words.saved : words.none;
    remove.hidden = !saved;
    error.textContent = message;
    error.hidden = !message;
    locate.disabled = false;
  };

  if ("geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      locate.disabled = true;
      state.textContent = words.working;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          // about a metre: the place, not more precision than it needs
          latitude.value = position.coords.latitude.toFixed(5);
          longitude.value = position.coords.longitude.toFixed(5);
          show();
        },
        (failure) => show(failure.code === failure.PERMISSION_DENIED ? words.refused : words.unavailable),
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
      );
    });
  }
  remove.addEventListener("click", () => {
    latitude.value = "";
    longitude.value = "";
    show();
    locate.focus();
  });
  remove.hidden = latitude.value === "" || longitude.value === "";
}

// Example portal: the Lakedeck console in an iframe, driven through its postMessage protocol
// (README "Embedding"). The console's location is mirrored into this page's URL fragment, so a
// reload or a shared link of the portal page opens the same console view.

const params = new URLSearchParams(location.search);
// Where the console is hosted (its index.html, i.e. its base path), e.g. https://cdn.example.com/lakedeck/
const consoleBase = new URL(params.get("console") || "http://127.0.0.1:8080/", location.href);
const consoleOrigin = consoleBase.origin;
const frame = document.getElementById("lakedeck-frame");
const $ = (id) => document.getElementById(id);

// Open the view named in our fragment (`#/clusters/abc`), or the console's default view.
const start = location.hash.startsWith("#/") ? location.hash.slice(1) : "/clusters";
const src = new URL("." + start, consoleBase);
src.searchParams.set("embed", "1");
frame.src = src.href;

let ready = false;
function send(message) {
  // Only ever to the console's origin: a frame navigated elsewhere gets nothing.
  frame.contentWindow.postMessage(message, consoleOrigin);
}
function sendToken() {
  const token = $("portal-token").value.trim();
  if (ready && token) send({ type: "lakedeck:token", token });
}

window.addEventListener("message", (event) => {
  // Accept messages from the console's frame and origin only.
  if (event.origin !== consoleOrigin || event.source !== frame.contentWindow) return;
  const msg = event.data || {};
  switch (msg.type) {
    case "lakedeck:ready":
      ready = true;
      $("portal-notice").textContent = "console ready";
      send({ type: "lakedeck:theme", theme: $("portal-theme").value });
      send({ type: "lakedeck:locale", locale: $("portal-locale").value });
      sendToken();
      break;
    case "lakedeck:location":
      $("portal-location").textContent = msg.path;
      history.replaceState(null, "", "#" + msg.path);
      break;
    case "lakedeck:title":
      $("portal-title").textContent = msg.title;
      document.title = `${msg.title} · Example portal`;
      break;
    case "lakedeck:height":
      $("portal-height").textContent = String(msg.height);
      frame.style.height = `${Math.max(400, Math.min(msg.height, 4000))}px`;
      break;
    case "lakedeck:token-expired":
      $("portal-notice").textContent = "token expired: the console asks for a new one";
      break;
  }
});

$("portal-send-token").addEventListener("click", sendToken);
$("portal-show-jobs").addEventListener("click", () => send({ type: "lakedeck:navigate", path: "/jobs" }));
$("portal-theme").addEventListener("change", (e) => send({ type: "lakedeck:theme", theme: e.target.value }));
$("portal-locale").addEventListener("change", (e) => send({ type: "lakedeck:locale", locale: e.target.value }));

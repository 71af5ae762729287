// Example portal: the Lakedeck console mounted into this page through its module API
// (README "Embedding"). The bundle is served by this portal under /lakedeck/; config.json there says
// where the APIs are (its endpoints must allow this origin: lakedeck-server --allow-origin).

const BUNDLE = "/lakedeck/";
const BASE_PATH = "/inpage/console";
const $ = (id) => document.getElementById(id);

$("portal-path").textContent = location.pathname;
const { default: init, mount } = await import(BUNDLE + "lakedeck.js");
await init();
$("portal-status").textContent = "module loaded, console not mounted";

let handle = null;
let mounts = 0;
$("portal-mount").addEventListener("click", () => {
  if (handle) return;
  mounts += 1;
  handle = mount($("console-root"), {
    config: BUNDLE + "config.json",
    basePath: BASE_PATH,
    token: $("portal-token").value.trim() || undefined,
    theme: $("portal-theme").value,
  });
  $("portal-status").textContent = `console mounted (${mounts})`;
  $("portal-mount").disabled = true;
  $("portal-unmount").disabled = false;
});
$("portal-unmount").addEventListener("click", () => {
  if (!handle) return;
  handle.unmount();
  handle = null;
  $("portal-status").textContent = "console unmounted";
  $("portal-mount").disabled = false;
  $("portal-unmount").disabled = true;
});
$("portal-theme").addEventListener("change", (e) => handle?.setTheme(e.target.value));
$("portal-token").addEventListener("change", (e) => handle?.setToken(e.target.value.trim()));

// Mount right away when the page was opened on one of the console's own URLs (a deep link or reload).
if (location.pathname.startsWith(BASE_PATH + "/")) $("portal-mount").click();

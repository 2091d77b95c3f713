// The entry point that index.html loads: hands the browser's globals to
// the app. The base URL is the document's own directory, so the same build
// works under /webmail/, /mail/ or any other path.
// LIMITATION: a path below the base (/webmail/a/b) would also be taken for
// the base and break the relative asset URLs; views must route in the URL
// fragment so that the document's path stays the base.
import "../ui/styles.css";
import { App } from "./app";
import { browserLocaleStore } from "./locale-store";

const root = document.getElementById("app");
if (root === null) throw new Error("index.html has no #app element");

const app = new App(root, {
  fetch: (url, init) => fetch(url, init),
  base: new URL(".", document.baseURI),
  languages: navigator.languages,
  localeStore: browserLocaleStore(() => localStorage),
});
void app.start();

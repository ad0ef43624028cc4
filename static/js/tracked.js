/* A tracked page (the material radar): report reading time, and draw a PDF's pages in the page.
 *
 * Reading time is the time the page was visible, sent with navigator.sendBeacon every 15 seconds and
 * when the reader leaves, so closing WeChat's webview still reports it. */
var page = document.getElementById("reader");
var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
var counted = 0;

function seconds() {
  return Math.round((counted + (visibleSince ? Date.now() - visibleSince : 0)) / 1000);
}
function report() {
  var form = new FormData();
  form.append("view", page.getAttribute("data-view"));
  form.append("seconds", String(seconds()));
  if (navigator.sendBeacon) navigator.sendBeacon(page.getAttribute("data-read-url"), form);
}
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState === "hidden") {
    if (visibleSince) { counted += Date.now() - visibleSince; visibleSince = null; }
    report();
  } else {
    visibleSince = Date.now();
  }
});
window.addEventListener("pagehide", report);
setInterval(function () { if (visibleSince) report(); }, 15000);

/* PDF: every page drawn to a canvas as wide as the screen (no download, no viewer to install). */
async function drawPdf() {
  var box = document.getElementById("pdf-pages");
  var pdfjs = await import(page.getAttribute("data-pdfjs"));
  pdfjs.GlobalWorkerOptions.workerSrc = page.getAttribute("data-pdf-worker");
  var doc = await pdfjs.getDocument({ url: page.getAttribute("data-pdf"), isEvalSupported: false }).promise;
  var loading = box.querySelector("[data-loading]");
  if (loading) loading.remove();
  var ratio = window.devicePixelRatio || 1;
  for (var n = 1; n <= doc.numPages; n++) {
    var pdfPage = await doc.getPage(n);
    var scale = box.clientWidth / pdfPage.getViewport({ scale: 1 }).width;
    var viewport = pdfPage.getViewport({ scale: scale * ratio });
    var canvas = document.createElement("canvas");
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    canvas.style.width = "100%";
    canvas.setAttribute("data-testid", "pdf-page");
    canvas.setAttribute("aria-label", String(n) + " / " + String(doc.numPages));
    box.appendChild(canvas);
    await pdfPage.render({ canvasContext: canvas.getContext("2d"), viewport: viewport }).promise;
  }
}
if (page.hasAttribute("data-pdf")) {
  drawPdf().catch(function () {
    var box = document.getElementById("pdf-pages");
    box.textContent = document.documentElement.lang === "en" ? "The document could not be shown." : "文档暂时无法显示。";
    var a = document.createElement("a");
    a.href = page.getAttribute("data-pdf");
    a.textContent = document.documentElement.lang === "en" ? " Open it" : " 直接打开";
    box.appendChild(a);
  });
}

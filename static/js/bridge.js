/* Beside's one wrapper around the WeCom JS-SDK. Every JS-SDK call the pages make goes through
 * Bridge, so the preview page (development only) can stand in for the WeCom client: when the server
 * names a preview origin and the page runs in that origin's frame, calls go to the parent window by
 * postMessage instead of to `ww`. */
(function () {
  "use strict";
  var body = document.body;
  var previewOrigin = body.getAttribute("data-preview-origin");
  var inPreview = !!previewOrigin && window.parent !== window;
  var inWeCom = /wxwork/i.test(navigator.userAgent);
  var TIMEOUT = 10000;
  var API = ["getContext", "getCurExternalContact", "getCurExternalChat", "sendChatMessage", "openUserProfile", "openEnterpriseChat", "openExistedChatWithMsg", "shareToExternalContact", "shareToExternalChat", "shareToExternalMoments"];

  function withTimeout(promise) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject({ errMsg: "timeout" }); }, TIMEOUT);
      promise.then(function (v) { clearTimeout(timer); resolve(v); }, function (e) { clearTimeout(timer); reject(e); });
    });
  }

  /* -- the preview: ask the parent window -------------------------------------------------- */
  var pending = {}, nextId = 1;
  if (inPreview) {
    window.addEventListener("message", function (event) {
      if (event.origin !== previewOrigin || event.source !== window.parent) return;
      var msg = event.data || {};
      if (msg.source !== "beside-preview" || !pending[msg.id]) return;
      var p = pending[msg.id]; delete pending[msg.id];
      if (msg.ok) p.resolve(msg.result); else p.reject({ errMsg: msg.errMsg || "fail" });
    });
  }
  function askParent(method, args) {
    return withTimeout(new Promise(function (resolve, reject) {
      var id = nextId++;
      pending[id] = { resolve: resolve, reject: reject };
      /* The page's address goes with every call: the client refuses calls from an address it did not sign. */
      var url = location.href.split("#")[0];
      window.parent.postMessage({ source: "beside-sidebar", id: id, method: method, args: args || {}, url: url }, previewOrigin);
    }));
  }

  /* -- WeCom: register once with the app identity (agentConfig) ------------------------------- */
  var registered = null;
  /* The server gives up on WeCom after WECOM_INTERACTIVE_TIMEOUT (2 s); this is the page's own bound,
   * so a guide hears within 3 s that WeCom cannot be reached, whatever the network does. */
  var SIGNATURE_TIMEOUT = 2800;
  var unreachable = false;  /* remembered: the SDK reports a failed signature callback in words of its own */
  function gaveUp() {
    unreachable = true;
    if (failRegistration) failRegistration({ errMsg: "unreachable" });
    throw { errMsg: "unreachable" };
  }
  /* The entry page comes with its own signatures (made by the server for its URL): no round trip. */
  var signedHere = {};
  try { signedHere = JSON.parse((document.getElementById("entry") || body).getAttribute("data-signatures") || "{}"); } catch (e) { signedHere = {}; }
  function signature(url, type) {
    var here = signedHere[type];
    if (here && here.url === url) return Promise.resolve(here);
    var endpoint = body.getAttribute("data-signature-url") + "?type=" + type + "&url=" + encodeURIComponent(url);
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && setTimeout(function () { abort.abort(); }, SIGNATURE_TIMEOUT);
    return fetch(endpoint, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: abort && abort.signal }).then(function (res) {
      clearTimeout(timer);
      return res.json().then(null, function () { return {}; }).then(function (data) {
        var code = data.error && data.error.code;
        if (code === "wecom_unreachable" || res.status === 503 || res.status === 504) { return gaveUp(); }
        if (!res.ok) throw { errMsg: "signature: " + ((data.error && data.error.message) || res.status) };
        return data;
      });
    }, function () { clearTimeout(timer); return gaveUp(); });
  }
  var failRegistration = null;
  function register() {
    if (!registered) {
      registered = new Promise(function (resolve, reject) {
        /* The SDK may wait on a failed signature callback without telling us: fail at once instead. */
        failRegistration = reject;
        if (!window.ww) { reject({ errMsg: "jssdk missing" }); return; }
        window.ww.register({
          corpId: body.getAttribute("data-corp-id"),
          agentId: Number(body.getAttribute("data-agent-id")),
          jsApiList: API,
          getConfigSignature: function (url) { return signature(url, "corp"); },
          getAgentConfigSignature: function (url) { return signature(url, "agent"); },
          onAgentConfigSuccess: resolve,
          onAgentConfigFail: function (err) { reject({ errMsg: "agentConfig: " + ((err && err.errMsg) || "fail") }); }
        });
      });
    }
    return withTimeout(registered);
  }
  function callWeCom(method, args) {
    if (!inWeCom) return Promise.reject({ errMsg: "not in WeCom" });
    return register().then(function () { return withTimeout(window.ww[method](args || {})); });
  }

  /* The preview stands in for the client, but the page still fetches its signature from our server
   * first, as WeCom makes it do: so the preview shows what a guide sees when WeCom is down. */
  var previewRegistered = null, previewSignedUrl = null;
  function registerInPreview() {
    /* Signed again whenever the address changed (showPage's history.replaceState), as @wecom/jssdk does:
     * its signature is for one URL and is dropped once getSignURL() differs. */
    var url = location.href.split("#")[0];
    if (!previewRegistered || previewSignedUrl !== url) {
      previewSignedUrl = url;
      previewRegistered = signature(url, "agent").then(function (sig) {
        return askParent("register", { url: url, timestamp: sig.timestamp, nonceStr: sig.nonceStr, signature: sig.signature });
      });
      previewRegistered.then(null, function () { previewRegistered = null; });
    }
    return previewRegistered;
  }
  function call(method, args) {
    if (inPreview) return registerInPreview().then(function () { return askParent(method, args); });
    return callWeCom(method, args);
  }
  var Bridge = { inPreview: inPreview, inWeCom: inWeCom, call: call };
  API.forEach(function (name) { Bridge[name] = function (args) { return call(name, args); }; });
  window.Bridge = Bridge;

  /* -- the entry page: where were we opened, and for whom? ------------------------------------ */
  var entry = document.getElementById("entry");
  /* The customer's (or group's) page replaces the entry page's content in place: the scripts and
   * styles are loaded already, so only its HTML comes over the network. The address becomes the
   * page's own (a reload opens it directly). Anything unusual (a redirect to sign in, an error page)
   * is navigated to for real instead. */
  function showPage(url) {
    var navigate = function () { location.replace(url); };
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } }).then(function (res) {
      var type = res.headers.get("Content-Type") || "";
      if (!res.ok || res.redirected || type.indexOf("text/html") !== 0) return navigate();
      return res.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        history.replaceState(null, "", url);
        document.title = doc.title;
        Array.prototype.forEach.call(doc.body.attributes, function (a) { body.setAttribute(a.name, a.value); });
        body.replaceChildren.apply(body, Array.prototype.slice.call(doc.body.childNodes).map(function (n) { return document.adoptNode(n); }));
        if (window.htmx) window.htmx.process(body);
        document.dispatchEvent(new CustomEvent("beside:page"));
      });
    }, navigate);
  }
  function say(templateId, extra, retry) {
    var status = document.getElementById("entry-status");
    var text = document.getElementById(templateId).content.textContent + (extra || "");
    status.className = "entry__status entry__status--error";
    status.textContent = "";
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.textContent = text;  /* text, never HTML: an errMsg can carry anything */
    status.appendChild(p);
    if (retry) {
      var again = document.createElement("button");
      again.type = "button";
      again.className = "btn btn--primary";
      again.setAttribute("data-testid", "retry");
      again.textContent = document.getElementById("msg-retry").content.textContent;
      again.addEventListener("click", function () { location.reload(); });
      status.appendChild(again);
    }
  }
  function explain(err) {
    var msg = (err && err.errMsg) || String(err);
    if (msg === "unreachable" || unreachable) return say("msg-unreachable", "", true);
    if (/not in WeCom/.test(msg)) return say("msg-outside");
    if (/signature|config:fail|agentConfig/i.test(msg)) return say("msg-signature");
    if (/permission|denied|no_permission/i.test(msg)) return say("msg-permission");
    return say("msg-failed", msg);
  }
  if (entry) {
    call("getContext").then(function (ctx) {
      var where = ctx && ctx.entry;
      if (where === "single_chat_tools" || where === "contact_profile" || where === "single_kf_tools") {
        return call("getCurExternalContact").then(function (res) {
          if (!res || !res.userId) return say("msg-unknown");
          return showPage(entry.getAttribute("data-customer-url").replace("EXT", encodeURIComponent(res.userId)));
        }, function (err) { return /permission/i.test(err && err.errMsg) ? explain(err) : say("msg-unknown"); });
      }
      if (where === "group_chat_tools") {
        return call("getCurExternalChat").then(function (res) {
          if (!res || !res.chatId) return say("msg-unknown");
          return showPage(entry.getAttribute("data-group-url").replace("CHAT", encodeURIComponent(res.chatId)));
        }, explain);
      }
      say("msg-normal");
    }, explain);
  }

  /* What a failed JS-SDK call means for the guide, and what to do: WeCom's errMsg is English and terse
   * ("sendChatMessage:fail_nopermission"); the server's own messages are already in the guide's words. */
  function inWords(err) {
    var msg = (err && err.errMsg) || "";
    var en = document.documentElement.lang === "en";
    if (err && err.refused) return msg;
    if (/cancel/i.test(msg)) return en ? "Cancelled." : "已取消。";
    if (/timeout|unreachable/i.test(msg)) return en ? "WeCom did not answer. Check the network and try again." : "企业微信没有响应，请检查网络后重试。";
    if (/permission|denied|no_auth/i.test(msg)) return en ? "This app may not send here. Ask your administrator to check the app's permissions." : "应用没有在此发送的权限，请联系管理员检查应用权限。";
    if (/not in WeCom/i.test(msg)) return en ? "Open the sidebar inside WeCom to send." : "请在企业微信中打开侧边栏再发送。";
    if (/media|upload/i.test(msg)) return en ? "The file could not be uploaded to WeCom. Try again." : "文件未能上传到企业微信，请重试。";
    if (/^HTTP \d+/.test(msg)) return en ? "The server did not answer properly. Try again." : "服务器未正常响应，请重试。";
    if (/:fail|fail$/i.test(msg)) return en ? "WeCom did not send it. Try again." : "企业微信没有发出，请重试。";
    return en ? "Something went wrong. Try again." : "出了点问题，请重试。";
  }
  /* WeCom's own words for a failure, for a detail line under the sentence (never inside it). */
  function rawOf(err) {
    return (err && !err.refused && err.errMsg) ? String(err.errMsg).slice(0, 120) : "";
  }

  /* -- sending: buttons carry the text; a send is recorded only after WeCom reports success ---- */
  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function record(button, entered) {
    var form = new FormData();
    form.append("kind", button.getAttribute("data-kind"));
    form.append("ref_id", button.getAttribute("data-ref"));
    form.append("entered", entered ? "1" : "0");
    var chat = button.closest("li").querySelector("input[name=external_userid], input[name=chat_id]");
    if (chat) form.append(chat.name, chat.value);
    return fetch(button.getAttribute("data-record-url"), { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } });
  }
  /* A script's text, a material's payload, or (for files) a payload the server makes after uploading. */
  function messageFor(button) {
    if (button.hasAttribute("data-text")) {
      return Promise.resolve({ msgtype: "text", text: { content: button.getAttribute("data-text") } });
    }
    if (button.hasAttribute("data-message")) return Promise.resolve(JSON.parse(button.getAttribute("data-message")));
    return fetch(button.getAttribute("data-message-url"), { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .then(function (res) { return res.json().then(function (data) { if (!res.ok) throw { errMsg: (data.error && data.error.message) || res.status }; return data; }); });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-send]");
    if (!button || button.disabled) return;
    var entered = button.getAttribute("data-enter") === "1";
    button.disabled = true;
    messageFor(button).then(function (message) {
      if (entered) message.enterChat = true;
      return call("sendChatMessage", message);
    }).then(function () {
      showToast(entered ? (document.documentElement.lang === "en" ? "In the input box" : "已放入输入框") : (document.documentElement.lang === "en" ? "Sent" : "已发送"));
      return record(button, entered);
    }, function (err) {
      showToast((document.documentElement.lang === "en" ? "Not sent: " : "未发送：") + inWords(err), 4000);
    }).then(function () { button.disabled = false; });
  });

  /* -- SOP tasks: send the pieces in order; report each success; stop at the first failure ------- */
  function post(url, fields) {
    var form = new FormData();
    Object.keys(fields).forEach(function (k) { form.append(k, fields[k]); });
    return fetch(url, { method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .then(function (res) {
        return res.json().then(null, function () { return {}; }).then(function (data) {
          if (!res.ok) throw { errMsg: (data.error && data.error.message) || ("HTTP " + res.status), refused: !!(data.error && data.error.message) };
          return data;
        });
      });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-send-task]");
    if (!button || button.disabled) return;
    var pieces = JSON.parse(button.getAttribute("data-pieces"));
    var urls = JSON.parse(button.getAttribute("data-message-urls"));
    var i = Number(button.getAttribute("data-start"));
    button.disabled = true;
    /* A piece's message is in the page, or made by the server when its turn comes (a file, a coupon). */
    function message(n) {
      if (pieces[n]) return Promise.resolve(pieces[n]);
      return post(urls[n], {});
    }
    function next() {
      if (i >= pieces.length) return Promise.resolve();
      return message(i)
        .then(function (m) { return call("sendChatMessage", m); })
        .then(function () { return post(button.getAttribute("data-progress-url"), { piece: i, total: pieces.length }); })
        .then(function () { i += 1; return next(); });
    }
    var failure = null, raw = "";
    next().then(function () {
      showToast(document.documentElement.lang === "en" ? "Task done" : "任务已完成");
    }, function (err) {
      failure = inWords(err);
      raw = rawOf(err);
      showToast((document.documentElement.lang === "en" ? "Stopped: " : "发送中断：") + failure);
    }).then(function () {
      if (!window.htmx) return;
      var taskId = button.getAttribute("data-send-task");
      window.htmx.ajax("GET", button.getAttribute("data-refresh-url"), { target: "#tasks", swap: "outerHTML" }).then(function () {
        /* The reason stays on the task (a toast is gone in two seconds), with what to do next. */
        var task = failure !== null && document.querySelector("[data-task-id='" + taskId + "']");
        if (!task) return;
        var p = document.createElement("p");
        p.className = "alert";
        p.setAttribute("role", "alert");
        p.setAttribute("data-testid", "task-error");
        var en = document.documentElement.lang === "en";
        p.textContent = (en ? "Not sent: " : "未发送：") + failure + (en ? " The task stays open: send the rest again, or skip it with a reason." : " 任务仍未完成：可稍后再发送剩余内容，或填写原因跳过。");
        if (raw) {  /* WeCom's own words, for whoever is asked to look into it: a line of their own */
          var detail = document.createElement("small");
          detail.className = "muted alert__detail";
          detail.setAttribute("data-testid", "task-error-detail");
          detail.textContent = raw;
          p.appendChild(document.createElement("br"));
          p.appendChild(detail);
        }
        task.insertBefore(p, task.querySelector(".script__actions"));
      });
    });
  });

  /* -- coupons and red packets: the server makes the coupon or packet (once per key drawn with the
   * button), answers with the card; the card goes to the chat; then the page reports it sent -------- */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-money]");
    if (!button || button.disabled) return;
    var en = document.documentElement.lang === "en";
    button.disabled = true;
    fetch(button.getAttribute("data-money"), {
      method: "POST", body: new FormData(button.closest("form")), credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
    }).then(function (res) {
      return res.json().then(null, function () { return {}; }).then(function (data) {
        if (!res.ok) throw { errMsg: (data.error && data.error.message) || ("HTTP " + res.status), refused: true };
        return data;
      });
    }).then(function (data) {
      return call("sendChatMessage", data.message).then(function () { return post(data.sent_url, {}); });
    }).then(function () {
      showToast(button.getAttribute("data-done"));
    }, function (err) {
      showToast(err && err.refused ? inWords(err) : (en ? "Not sent: " : "未发送：") + inWords(err), 4000);
    }).then(function () {
      if (window.htmx) window.htmx.ajax("GET", button.getAttribute("data-refresh-url"), { target: button.getAttribute("data-target"), swap: "outerHTML" });
    });
  });

  /* -- copy a phone or a verification message (the pool's "add these customers"): the clipboard, else
   * the text selected in its box for the guide to copy by hand ------------------------------------- */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var box = document.getElementById(button.getAttribute("data-copy"));
    if (!box) return;
    var done = function () { showToast(button.getAttribute("data-done") || "✓"); };
    var byHand = function () { box.focus(); box.select(); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(box.value).then(done, byHand);
    } else {
      byHand();
    }
  });

  /* -- the today page: open a customer's chat in WeCom -------------------------------------------- */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-open-chat]");
    if (!button) return;
    call("openEnterpriseChat", { externalUserIds: button.getAttribute("data-open-chat"), groupName: "" }).then(null, function (err) {
      showToast(inWords(err));
    });
  });
  /* ... and a customer group's chat (@wecom/jssdk openExistedChatWithMsg: opens an existing group chat;
   * without msg it only opens it; the app must be registered with agentConfig, as ours is). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-open-group]");
    if (!button) return;
    call("openExistedChatWithMsg", { chatId: button.getAttribute("data-open-group") }).then(null, function (err) {
      showToast(inWords(err));
    });
  });

  /* -- 群发 from the sidebar: the server builds the call for what was ticked (checking every recipient
   * is the guide's own), WeCom's composer sends it, the server records it once WeCom says it went. */
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-share-form]");
    if (!form) return;
    event.preventDefault();
    var data = new FormData(form);
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    function post(url) {
      return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json", "X-CSRFToken": data.get("csrf_token") || "" } })
        .then(function (res) {
          return res.json().then(null, function () { return {}; }).then(function (body) {
            if (!res.ok) throw { errMsg: (body.error && body.error.message) || ("HTTP " + res.status), refused: !!(body.error && body.error.message) };
            return body;
          });
        });
    }
    post(form.getAttribute("data-prepare-url")).then(function (built) {
      return call(built.method, built.args);
    }).then(function () {
      return post(form.getAttribute("data-done-url"));
    }).then(function (done) {
      showToast(done.message || "✓", 3000);
    }, function (err) {
      showToast(inWords(err), 4000);
    }).then(function () { if (button) button.disabled = false; });
  });

  /* -- 客户朋友圈: a task posted in one tap (shareToExternalMoments with what the server built). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-post-moment]");
    if (!button) return;
    var token = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRFToken": "([^"]+)"/);
    var headers = { Accept: "application/json", "X-CSRFToken": token ? token[1] : "" };
    button.disabled = true;
    fetch(button.getAttribute("data-post-moment"), { method: "POST", credentials: "same-origin", headers: headers })
      .then(function (res) { if (!res.ok) throw { errMsg: "HTTP " + res.status }; return res.json(); })
      .then(function (built) { return call(built.method, built.args); })
      .then(function () { return fetch(button.getAttribute("data-posted-url"), { method: "POST", credentials: "same-origin", headers: headers }); })
      .then(function (res) { return res.json(); })
      .then(function (done) {
        showToast(done.message || "✓", 3000);
        var row = button.closest("[data-testid=moment-task-row]");
        if (row) row.remove();
      }, function (err) { showToast(inWords(err), 4000); button.disabled = false; });
  });

  /* -- htmx: a short toast for HX-Trigger {"saved": "..."} and for failed requests ------------- */
  var toastTimer;
  function showToast(text, ms) {
    var toast = document.getElementById("toast");  /* looked up each time: a page shown in place brings its own */
    if (!toast) return;
    toast.textContent = text; toast.hidden = false;
    clearTimeout(toastTimer); toastTimer = setTimeout(function () { toast.hidden = true; }, ms || 2500);
  }
  body.addEventListener("saved", function (e) { showToast(e.detail && e.detail.value ? e.detail.value : "✓"); });
  body.addEventListener("failed", function (e) { if (e.detail && e.detail.value) showToast(e.detail.value, 4000); });
  /* A failed request says why: the server's message (errors.py answers htmx with the JSON envelope),
   * shown longer than a confirmation. */
  body.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr, message = "";
    try { message = JSON.parse(xhr.responseText).error.message; } catch (err) { message = ""; }
    showToast(message || (document.documentElement.lang === "en" ? "Something went wrong, please retry" : "出错了，请重试"), 4000);
  });
  body.addEventListener("htmx:sendError", function () {
    showToast(document.documentElement.lang === "en" ? "No connection, please retry" : "网络不可用，请重试");
  });
})();

// The emulator page: pick a person, send what they type (or a menu click) to the bot through the
// emulator's endpoint, show the passive reply, and poll for messages the bot pushes later. Template
// cards are drawn with working buttons: a tap is sent as WeCom's template_card_event, and the card is
// redrawn from the passive reply or from a later update_template_card.
(function () {
  "use strict";
  const base = location.pathname.replace(/\/$/, "");
  const app = document.getElementById("app");
  const list = document.getElementById("messages");
  const text = document.getElementById("text");
  const sendButton = document.getElementById("send");
  const menuButtons = Array.from(document.querySelectorAll(".menu"));
  const photo = document.getElementById("photo-file");
  let current = null;        // {userid, name, roles}
  let inboxNext = 0;         // index of the next pushed message to fetch
  let pollTimer = null;
  const transcripts = {};    // userid -> [{who, html}] so switching people keeps each chat

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  }

  function add(who, html, userid) {
    const owner = userid || current.userid;
    transcripts[owner].push({who, html});
    if (current && current.userid === owner) render(who, html);
  }

  function render(who, html) {
    const li = document.createElement("li");
    if (who === "note") {
      li.innerHTML = '<span class="note">' + html + "</span>";
    } else {
      li.className = who;
      li.innerHTML = '<div class="bubble">' + html + "</div>";
    }
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function messageHtml(m) {
    if (m.card) {
      return '<div class="card"><b>' + escapeHtml(m.card.title) + "</b>" + escapeHtml(m.card.description) +
        (m.card.url ? '<a href="' + escapeHtml(m.card.url) + '" target="_blank" rel="noopener">' +
          escapeHtml(m.card.button || "详情") + "</a>" : "") + "</div>";
    }
    return escapeHtml(m.text || "");
  }

  // A WeCom template card (button_interaction): title, text, lines, and buttons until it is answered,
  // then one greyed-out button with its replace_text.
  function templateCardHtml(c) {
    let html = '<div class="tcard" data-task="' + escapeHtml(c.task_id || "") + '">';
    html += '<b class="tcard-title">' + escapeHtml((c.main_title || {}).title || "") + "</b>";
    if (c.sub_title_text) html += '<p class="tcard-text">' + escapeHtml(c.sub_title_text) + "</p>";
    (c.horizontal_content_list || []).forEach((line) => {
      html += '<p class="tcard-line"><span>' + escapeHtml(line.keyname) + "</span>" + escapeHtml(line.value || "") + "</p>";
    });
    html += '<div class="tcard-buttons">';
    if (c.replace_text) {
      html += '<button class="tcard-done" disabled>' + escapeHtml(c.replace_text) + "</button>";
    } else {
      (c.button_list || []).forEach((b) => {
        html += '<button class="tcard-button style' + escapeHtml(b.style || 1) + '" data-key="' + escapeHtml(b.key) +
          '">' + escapeHtml(b.text) + "</button>";
      });
    }
    return html + "</div></div>";
  }

  // Redraw a card already on the page (the update keeps its task id); false if it is not shown.
  function redraw(taskId, card, userid) {
    const owner = userid || current.userid;
    const marker = 'data-task="' + escapeHtml(taskId) + '"';
    let found = false;
    transcripts[owner].forEach((m) => {
      if (m.html.includes(marker)) {
        m.html = m.html.replace(/<div class="tcard"[\s\S]*<\/div><\/div>/, templateCardHtml(Object.assign({}, card, {task_id: taskId})));
        found = true;
      }
    });
    if (found && current && current.userid === owner) {
      list.innerHTML = "";
      transcripts[owner].forEach((m) => render(m.who, m.html));
    }
    return found;
  }

  function pushedHtml(m) {
    if (m.msgtype === "template_card") return templateCardHtml(m.template_card || {});
    if (m.msgtype === "textcard") {
      const c = m.textcard || {};
      return messageHtml({card: {title: c.title, description: c.description, url: c.url, button: c.btntxt}});
    }
    if (m.msgtype === "markdown") return escapeHtml((m.markdown || {}).content || "");
    if (m.msgtype === "file") return "📎 " + escapeHtml((m.file || {}).name || "文件");
    return escapeHtml((m.text || {}).content || "");
  }

  async function post(payload, shown) {
    const userid = current.userid;
    add("me", escapeHtml(shown), userid);
    setBusy(true);
    try {
      const response = await fetch(base + "/api/send", {
        method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify(Object.assign({userid: userid}, payload)),
      });
      if (!response.ok) {
        add("note", "模拟器出错（HTTP " + response.status + "）", userid);
        return;
      }
      const result = await response.json();
      if (result.status !== 200) {
        add("note", "回调返回 HTTP " + result.status + "，企业微信会稍后重试", userid);
      } else if (result.reply && result.reply.update) {
        if (result.reply.problem) add("note", "卡片更新不符合企业微信规则：" + escapeHtml(result.reply.problem), userid);
        redraw(payload.tap.task_id, result.reply.update, userid);
        add("note", "卡片已更新（被动回复 · " + result.elapsed_ms + " 毫秒）", userid);
      } else if (result.reply) {
        add("bot", messageHtml(result.reply) + '<span class="meta">被动回复 · ' + result.elapsed_ms + " 毫秒</span>", userid);
      } else {
        add("note", "已收到（" + result.elapsed_ms + " 毫秒）；回复稍后通过消息推送送达", userid);
      }
    } catch (err) {
      add("note", "无法连接服务器：" + escapeHtml(err), userid);
    } finally {
      setBusy(false);
      poll();
      setTimeout(poll, 600);  // a card or a tap's answer comes through the outbox, a moment later
    }
  }

  async function poll() {
    if (!current) return;
    const userid = current.userid;
    try {
      const response = await fetch(base + "/api/inbox/" + encodeURIComponent(userid) + "?after=" + inboxNext);
      if (!response.ok || !current || current.userid !== userid) return;
      const data = await response.json();
      data.messages.forEach((m) => {
        if (m.msgtype === "update_template_card") {
          if (!redraw(m.task_id, m.template_card || {}, userid)) add("note", "一张较早的卡片已更新", userid);
        } else {
          add("bot", pushedHtml(m) + '<span class="meta">消息推送</span>', userid);
        }
      });
      inboxNext = data.next;
    } catch (err) { /* the server may be restarting; try again at the next tick */ }
  }

  function setBusy(busy) {
    sendButton.disabled = busy || !current;
    photo.disabled = busy || !current;
    menuButtons.forEach((b) => { b.disabled = busy || !current; });
  }

  async function choose(button) {
    document.querySelectorAll(".person.active").forEach((b) => b.classList.remove("active"));
    button.classList.add("active");
    current = {userid: button.dataset.userid, name: button.dataset.name, roles: button.dataset.roles};
    document.getElementById("chat-name").textContent = current.name;
    document.getElementById("chat-who").textContent = current.roles + " · " + current.userid;
    list.innerHTML = "";
    if (!transcripts[current.userid]) {
      transcripts[current.userid] = [];
      add("note", "您现在是 " + escapeHtml(current.name) + "。试试点下方的“帮助”，或直接输入一句话。");
    } else {
      transcripts[current.userid].forEach((m) => render(m.who, m.html));
    }
    text.disabled = false;
    setBusy(false);
    app.className = "show-chat";
    inboxNext = 0;
    const seen = await fetch(base + "/api/inbox/" + encodeURIComponent(current.userid) + "?after=0")
      .then((r) => r.json()).catch(() => ({next: 0}));
    inboxNext = seen.next;  // older pushes belong to earlier sessions; show only new ones
    clearInterval(pollTimer);
    pollTimer = setInterval(poll, 3000);
  }

  document.querySelectorAll(".person").forEach((b) => b.addEventListener("click", () => choose(b)));
  list.addEventListener("click", (e) => {
    const button = e.target.closest(".tcard-button");
    if (!button || !current) return;
    const card = button.closest(".tcard");
    post({tap: {task_id: card.dataset.task, key: button.dataset.key}}, "〔点击〕" + button.textContent);
  });
  document.getElementById("back").addEventListener("click", () => { app.className = "show-people"; });
  const advance = document.getElementById("advance");  // the demo only: move its clock on, run the due jobs
  if (advance) advance.addEventListener("click", async () => {
    const response = await fetch(base + "/api/advance", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({minutes: Number(advance.dataset.minutes)}),
    });
    const result = response.ok ? await response.json() : null;
    const note = result ? "⏩ 时钟已快进到 " + escapeHtml(result.now) + "：危机升级 " + result.done.crisis +
      " 级，发出消息 " + result.done.outbox + " 条" : "快进失败（HTTP " + response.status + "）";
    if (current) add("note", note); else alert(note);
    poll();
  });
  document.getElementById("search").addEventListener("input", (e) => {
    const q = e.target.value.trim().toLowerCase();
    document.querySelectorAll(".person").forEach((b) => {
      b.parentElement.style.display = !q || b.dataset.search.toLowerCase().includes(q) ? "" : "none";
    });
  });
  document.getElementById("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = text.value;
    if (!current || !value.trim()) return;
    text.value = "";
    post({text: value}, value);
  });
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      document.getElementById("composer").requestSubmit();
    }
  });
  photo.addEventListener("change", () => {
    const file = photo.files[0];
    photo.value = "";
    if (!current || !file) return;
    if (file.size > 2 * 1024 * 1024) {
      add("note", "图片不能超过 2 MB");
      return;
    }
    const reader = new FileReader();
    reader.onload = () => post({image: reader.result}, "〔照片〕" + file.name);
    reader.readAsDataURL(file);
  });
  menuButtons.forEach((b) => b.addEventListener("click", () => {
    if (current) post({event: "click", key: b.dataset.key}, "〔菜单〕" + b.dataset.key);
  }));
})();

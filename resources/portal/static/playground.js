// Playground: send the form with fetch and append the streamed answer as it arrives
// (OpenAI chat.completion.chunk events). Without script the form posts and the page shows
// the whole answer.
"use strict";
(function () {
  const form = document.getElementById("playground-form");
  if (!form || !window.fetch || !window.TextDecoder) { return; }
  const answer = document.getElementById("playground-answer");
  const problem = document.getElementById("playground-error");
  const status = document.getElementById("playground-status");
  const send = document.getElementById("playground-send");

  function showError(message) {
    problem.textContent = message;
    problem.hidden = false;
  }

  // One SSE event's data: text to append, an error to show, or nothing.
  function handleEvent(data) {
    if (data === "[DONE]") { return; }
    let chunk;
    try { chunk = JSON.parse(data); } catch (e) { return; }
    if (chunk.error) { showError(chunk.error.message || String(chunk.error)); return; }
    (chunk.choices || []).forEach(function (choice) {
      const text = choice.delta && choice.delta.content;
      if (typeof text === "string") { answer.textContent += text; }
    });
  }

  async function readStream(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const part = await reader.read();
      if (part.done) { break; }
      buffer += decoder.decode(part.value, { stream: true }).replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split("\n").filter(function (line) {
          return line.startsWith("data:");
        }).map(function (line) { return line.slice(5).trimStart(); }).join("\n");
        if (data) { handleEvent(data); }
      }
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const fields = new URLSearchParams(new FormData(form));
    answer.textContent = "";
    problem.hidden = true;
    send.disabled = true;
    status.textContent = status.dataset.busy;
    try {
      const response = await fetch(form.dataset.stream, {
        method: "POST",
        body: fields,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": fields.get("csrf_token"), "Accept": "text/event-stream" },
      });
      const type = response.headers.get("Content-Type") || "";
      if (response.redirected) {
        window.location.assign(response.url);  // signed out meanwhile: to the sign-in page
        return;
      }
      if (!response.ok || type.indexOf("text/event-stream") < 0) {
        // Refusals are OpenAI error JSON; anything else (an expired form) is a page.
        let message = status.dataset.expired;
        if (type.indexOf("application/json") >= 0) {
          try {
            const body = await response.json();
            message = (body.error && body.error.message) || message;
          } catch (e) { /* keep the general message */ }
        }
        showError(message);
      } else {
        await readStream(response);
      }
      status.textContent = "";
    } catch (e) {
      status.textContent = "";
      showError(status.dataset.failed);
    } finally {
      send.disabled = false;
    }
  });
}());

// The MCP Apps bridge (io.modelcontextprotocol/ui, 2026-01-26): JSON-RPC over postMessage with the host.
// Shared by every view; the server inlines it at the top of each view's script element. Text from the
// server is only ever set with textContent: nothing here parses markup.
"use strict";
const bridge = (() => {
  const pending = new Map();
  const handlers = new Map();
  let nextId = 1;

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (typeof message.method !== "string") {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(String(message.error.message || "The host refused.")));
      else waiter.resolve(message.result || {});
      return;
    }
    const handler = handlers.get(message.method);
    const result = handler ? handler(message.params || {}) : undefined;
    if (message.id !== undefined) {
      window.parent.postMessage({ jsonrpc: "2.0", id: message.id, result: result || {} }, "*");
    }
  });

  function request(method, params) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      window.parent.postMessage({ jsonrpc: "2.0", id, method, params }, "*");
    });
  }

  function notify(method, params) {
    window.parent.postMessage({ jsonrpc: "2.0", method, params }, "*");
  }

  function applyContext(context) {
    const variables = (context.styles && context.styles.variables) || {};
    for (const [name, value] of Object.entries(variables)) {
      if (name.startsWith("--") && typeof value === "string") {
        document.documentElement.style.setProperty(name, value);
      }
    }
    if (context.theme === "dark" || context.theme === "light") {
      document.documentElement.dataset.theme = context.theme;
    }
  }

  // Opens the session with the host; `onResult` gets each tool result (a CallToolResult).
  async function start(name, onResult, onInput) {
    handlers.set("ui/notifications/tool-result", (params) => { onResult(params); });
    handlers.set("ui/notifications/tool-input", (params) => { if (onInput) onInput(params.arguments || {}); });
    handlers.set("ui/notifications/host-context-changed", (params) => { applyContext(params); });
    handlers.set("ui/resource-teardown", () => ({}));
    handlers.set("ping", () => ({}));
    const init = await request("ui/initialize", {
      protocolVersion: "2026-01-26",
      appInfo: { name, version: "1" },
      appCapabilities: { availableDisplayModes: ["inline"] },
    });
    applyContext(init.hostContext || {});
    notify("ui/notifications/initialized", {});
    let last = "";
    new ResizeObserver(() => {
      // The document's own box, not scrollHeight: that never falls below the frame's current height.
      const box = document.documentElement.getBoundingClientRect();
      const size = { width: Math.ceil(box.width), height: Math.ceil(box.height) };
      const key = size.width + "x" + size.height;
      if (key !== last) { last = key; notify("ui/notifications/size-changed", size); }
    }).observe(document.documentElement);
  }

  // Calls one of the server's read tools through the host; its structured result, or an Error.
  async function callTool(name, args) {
    const result = await request("tools/call", { name, arguments: args });
    if (result.isError) {
      const text = (result.content || []).map((block) => block.text || "").join(" ");
      throw new Error(text || name + " failed");
    }
    return result.structuredContent || {};
  }

  return { start, callTool };
})();

// An element with attributes (class, title, aria-*, data-*) and children: strings become text nodes.
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Text the server fenced as untrusted, without its outer markers: shown as data, verbatim inside.
function unfence(text) {
  const value = String(text == null ? "" : text);
  const match = /^<<<untrusted [^\n]*? id=([0-9a-f]+)>>>\n([\s\S]*)\n<<<\/untrusted id=\1>>>$/.exec(value);
  return match ? match[2] : value;
}

// Fills `node` with the participant's name (a read through the host), leaving it as it is on failure.
async function showParticipant(node, participantId) {
  if (!participantId) return;
  try {
    const person = await bridge.callTool("get_participant", { participant_id: participantId });
    if (person.name) node.textContent = unfence(person.name);
  } catch (error) {
    // The id stays shown: the view works without the name.
  }
}

function formatScore(score) {
  return typeof score === "number" ? score.toFixed(1) : "–";
}

function formatTime(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

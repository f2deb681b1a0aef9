// A small namespace-aware XML reader with the part of the DOM API that xlsx.mjs uses
// (getElementsByTagName[NS], getAttribute[NS], textContent, parentNode.localName). Web
// Workers have no DOMParser; the page's worker reads workbooks with this one. Malformed
// XML yields a document with a <parsererror> element, as DOMParser does.

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const XML_NS = "http://www.w3.org/XML/1998/namespace";

function decode(text) {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name] ?? whole;
  });
}

class Element {
  constructor(qname, attributes, parent, scope) {
    const colon = qname.indexOf(":");
    this.prefix = colon >= 0 ? qname.slice(0, colon) : "";
    this.localName = colon >= 0 ? qname.slice(colon + 1) : qname;
    this.tagName = qname;
    this.parentNode = parent;
    this.children = [];
    this.texts = []; // text pieces, in order with the children (textContent concatenates all)
    this.scope = scope; // prefix → namespace
    this.namespaceURI = scope.get(this.prefix) ?? null;
    this.attributes = attributes; // [qname, value]
  }

  getAttribute(name) {
    const found = this.attributes.find(([q]) => q === name);
    return found ? found[1] : null;
  }

  getAttributeNS(ns, local) {
    for (const [q, value] of this.attributes) {
      const colon = q.indexOf(":");
      if (colon < 0) continue; // unprefixed attributes have no namespace
      if (q.slice(colon + 1) === local && this.scope.get(q.slice(0, colon)) === ns) return value;
    }
    return null;
  }

  *descendants() {
    for (const child of this.children) {
      yield child;
      yield* child.descendants();
    }
  }

  getElementsByTagName(name) {
    return [...this.descendants()].filter((e) => e.tagName === name || name === "*");
  }

  getElementsByTagNameNS(ns, local) {
    return [...this.descendants()].filter((e) => e.localName === local && e.namespaceURI === ns);
  }

  get textContent() {
    let out = "";
    for (const part of this.texts) out += typeof part === "string" ? part : part.textContent;
    return out;
  }
}

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export class MiniDOMParser {
  parseFromString(text) {
    const root = new Element("#document", [], null, new Map([["xml", XML_NS]]));
    let current = root;
    let broken = false;
    TOKEN.lastIndex = 0;
    let match;
    let consumed = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match.index !== consumed) { broken = true; break; }
      consumed = TOKEN.lastIndex;
      const [whole, cdata, close, open, attrs, selfClose, chars] = match;
      if (chars !== undefined) {
        if (current !== root) current.texts.push(decode(chars));
        else if (chars.trim()) { broken = true; break; }
      } else if (cdata !== undefined) {
        current.texts.push(cdata);
      } else if (close !== undefined) {
        if (current.tagName !== close) { broken = true; break; }
        current = current.parentNode;
      } else if (open !== undefined) {
        const attributes = [];
        const scope = new Map(current.scope);
        ATTRIBUTE.lastIndex = 0;
        for (const [, name, dq, sq] of (attrs || "").matchAll(ATTRIBUTE)) {
          const value = decode(dq ?? sq ?? "");
          if (name === "xmlns") scope.set("", value);
          else if (name.startsWith("xmlns:")) scope.set(name.slice(6), value);
          attributes.push([name, value]);
        }
        const element = new Element(open, attributes, current, scope);
        current.children.push(element);
        current.texts.push(element);
        if (!selfClose) current = element;
      } else if (!whole.startsWith("<!--") && !whole.startsWith("<?") && !whole.startsWith("<!DOCTYPE")) {
        broken = true;
        break;
      }
    }
    if (broken || consumed !== text.length || current !== root || root.children.length !== 1) {
      const doc = new Element("#document", [], null, new Map());
      const error = new Element("parsererror", [], doc, new Map());
      doc.children.push(error);
      return doc;
    }
    return root;
  }
}

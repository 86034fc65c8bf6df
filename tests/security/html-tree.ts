import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** Strings that would run script or break out of an attribute if any output treated them as markup. */
export const hostile = {
  script: '<script>alert("s")</script>',
  attribute: '"><img src=x onerror=alert(2)>',
  singleQuote: "' onmouseover='alert(3)' x='",
  closing: '</title></textarea><svg onload=alert(4)>',
} as const;

const children = (node: Node): Node[] => ('childNodes' in node ? node.childNodes : []).concat(node.nodeName === 'template' ? (node as DefaultTreeAdapterMap['template']).content.childNodes : []);

function elements(node: Node): Element[] {
  const own = 'tagName' in node ? [node as Element] : [];
  return own.concat(children(node).flatMap(elements));
}

function text(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  return children(node).map(text).join(' ');
}

/** How a browser would read a document: what elements it builds, what their attributes say, what text it shows. */
export function readHtml(source: string) {
  const document = parse(source);
  const all = elements(document);
  return {
    /** Elements that run code, or that a hostile string would have made. */
    dangerous: all
      .filter((element) => ['script', 'svg', 'iframe', 'object', 'embed'].includes(element.tagName) || (element.tagName === 'img' && element.attrs.some((attr) => attr.name === 'src' && attr.value === 'x')))
      .map((element) => element.tagName),
    /** Event-handler attributes and javascript: URLs, wherever they are. */
    handlers: all.flatMap((element) =>
      element.attrs.filter((attr) => attr.name.startsWith('on') || /^\s*javascript:/i.test(attr.value) || attr.name === 'x').map((attr) => `${element.tagName} ${attr.name}`),
    ),
    /** Every attribute value, as the browser decoded it. */
    attributeValues: all.flatMap((element) => element.attrs.map((attr) => attr.value)),
    text: text(document).replace(/\s+/g, ' '),
    links: all.filter((element) => element.tagName === 'a').map((element) => element.attrs.find((attr) => attr.name === 'href')?.value ?? ''),
  };
}

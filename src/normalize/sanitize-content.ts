/**
 * Feed HTML is untrusted: keep an allowlist of tags and attributes, only http(s)/mailto links
 * (and data: for images), absolute URLs everywhere, no 1×1 tracking pixels, and
 * rel="noopener noreferrer" on every link.
 */
import sanitizeHtml from 'sanitize-html';
import { resolveUrl } from './urls.js';

const ALLOWED_TAGS = [
  ...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'style'),
  'img', 'picture', 'source', 'video', 'audio', 'track', 'figure', 'figcaption', 'del', 'ins', 'sub', 'sup',
];

const URL_ATTRIBUTES: Record<string, string[]> = {
  a: ['href'], img: ['src'], source: ['src'], video: ['src', 'poster'], audio: ['src'], track: ['src'],
  blockquote: ['cite'], q: ['cite'], del: ['cite'], ins: ['cite'],
};

function isTrackingPixel(attribs: Record<string, string>): boolean {
  return attribs.width === '1' && attribs.height === '1';
}

function absolutize(attribs: Record<string, string>, names: string[], base: string | null): Record<string, string> {
  const out = { ...attribs };
  for (const name of names) {
    const value = out[name];
    if (value === undefined) continue;
    if (/^(mailto:|data:image\/)/i.test(value.trim())) continue;
    const resolved = base ? resolveUrl(value, base) : resolveUrl(value);
    if (resolved) out[name] = resolved;
    else delete out[name];
  }
  if (out.srcset !== undefined) delete out.srcset; // candidates would each need resolving; src suffices
  return out;
}

export function sanitizeContent(html: string, baseUrl: string | null): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      source: ['src', 'type', 'media'],
      video: ['src', 'poster', 'controls', 'width', 'height'],
      audio: ['src', 'controls'],
      track: ['src', 'kind', 'srclang', 'label'],
      blockquote: ['cite'], q: ['cite'], del: ['cite'], ins: ['cite'],
      td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan', 'scope'],
      ol: ['start', 'type'], li: ['value'], code: ['class'], pre: ['class'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: true,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'form'],
    transformTags: {
      '*': (tagName, attribs) => ({ tagName, attribs: absolutize(attribs, URL_ATTRIBUTES[tagName] ?? [], baseUrl) }),
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...absolutize(attribs, ['href'], baseUrl), rel: 'noopener noreferrer' },
      }),
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && (isTrackingPixel(frame.attribs) || !frame.attribs.src),
  }).trim();
}

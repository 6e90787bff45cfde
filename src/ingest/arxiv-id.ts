// arXiv identifiers as people paste them: new style (2401.01234, 0704.0001), old style
// (hep-th/9901001, math.GT/0309136), with or without version, `arXiv:` prefix, abs/pdf URLs.
export interface ArxivId {
  /** Canonical id without version. */
  id: string;
  /** Version number, or null when none was given (meaning the latest). */
  version: number | null;
}

const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;

/** Parses anything a user may paste; returns null when it is not an arXiv identifier. */
export function parseArxivId(input: string): ArxivId | null {
  let s = input.trim();
  if (s.length > 300) return null;
  s = s.replace(/^arxiv:\s*/i, '');
  const url = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i.exec(s);
  if (url) s = url[1];
  const m = NEW_STYLE.exec(s) ?? OLD_STYLE.exec(s);
  if (!m) return null;
  if (NEW_STYLE.test(s)) {
    const month = Number(s.slice(2, 4));
    if (month < 1 || month > 12) return null;
  }
  return { id: m[1], version: m[2] ? Number(m[2]) : null };
}

/** The id as arXiv's Atom id_list expects it (with version when one is pinned). */
export const formatArxivId = (a: ArxivId) => (a.version ? `${a.id}v${a.version}` : a.id);

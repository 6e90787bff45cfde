// The offline stand-ins for HF's ai_summary and ai_keywords: an extractive one-sentence summary and
// key phrases found RAKE-style (runs of content words between stop words and punctuation, scored by
// word co-occurrence). No model, no network, deterministic.
import { latexToText } from '../text/latex.js';

const STOP = new Set(
  (
    'a about above across after again against all almost also although always am among an and another any are as at be because been before being ' +
    'below between both but by can could did do does doing done down due during each either enough especially etc even ever every few for from ' +
    'further given had has have having here how however i if in into is it its itself just large less like made make makes many may more most ' +
    'much must new no nor not novel now of off often on once one only or other our ours out over own paper per propose proposed present ' +
    'presents rather recent recently same several shall she should show shows significantly since so some such than that the their them then ' +
    'there these they this those three through thus to too two under until up upon us use used uses using very via was we well were what when ' +
    'where whether which while who whom whose why will with within without would yet you your based approach approaches method methods results ' +
    'work works first second existing across achieve achieves demonstrate demonstrates introduce introduces study studies'
  ).split(' '),
);

/** The abstract's first sentence (at most 300 characters), or null for an empty abstract. */
export function firstSentence(abstract: string): string | null {
  const text = latexToText(abstract);
  if (!text) return null;
  // A sentence ends at . ! or ? followed by a space and a capital letter (keeps "e.g." and "Fig. 2" inside).
  const m = /^(.{20,}?[.!?])\s+(?=[A-Z])/.exec(text);
  const sentence = m ? m[1] : text;
  return sentence.length > 300 ? `${sentence.slice(0, 297).replace(/\s+\S*$/, '')}…` : sentence;
}

/** Up to `max` key phrases of title and abstract, best first. */
export function keyPhrases(title: string, abstract: string, max = 5): string[] {
  const text = `${latexToText(title)}. ${latexToText(abstract)}`.toLowerCase();
  const phrases: string[][] = [];
  for (const chunk of text.split(/[.,;:!?()[\]{}"“”]|\s[-–—]\s/)) {
    let current: string[] = [];
    for (const word of chunk.split(/\s+/)) {
      const w = word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      if (!w || STOP.has(w) || /^\d+$/.test(w) || w.length < 2) {
        if (current.length) phrases.push(current);
        current = [];
      } else current.push(w);
    }
    if (current.length) phrases.push(current);
  }
  const freq = new Map<string, number>();
  const degree = new Map<string, number>();
  for (const p of phrases) {
    if (p.length > 4) continue;
    for (const w of p) {
      freq.set(w, (freq.get(w) ?? 0) + 1);
      degree.set(w, (degree.get(w) ?? 0) + p.length);
    }
  }
  const scored = new Map<string, number>();
  for (const p of phrases) {
    if (p.length > 4) continue;
    const key = p.join(' ');
    const score = p.reduce((s, w) => s + degree.get(w)! / freq.get(w)!, 0);
    scored.set(key, Math.max(scored.get(key) ?? 0, score + (phrases.filter((q) => q.join(' ') === key).length - 1)));
  }
  return [...scored.entries()]
    .filter(([k]) => k.length > 2)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([k]) => k);
}

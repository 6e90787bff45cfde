// LaTeX in paper titles and abstracts turned into readable plain text, for places that cannot
// render math: mail subjects, the text part of digests, feed titles. "$\alpha$-Nets for $O(n^2)$"
// becomes "α-Nets for O(n²)". It aims at what arXiv titles actually contain, not at all of TeX;
// anything it does not know it keeps as the bare command name so no text disappears.

const symbols: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  vartheta: 'ϑ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', varpi: 'ϖ', rho: 'ρ',
  sigma: 'σ', tau: 'τ', upsilon: 'υ', phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  infty: '∞', partial: '∂', nabla: '∇', pm: '±', mp: '∓', times: '×', cdot: '·', cdots: '⋯', ldots: '…', dots: '…',
  leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠', approx: '≈', sim: '∼', simeq: '≃', equiv: '≡', propto: '∝',
  ll: '≪', gg: '≫', to: '→', rightarrow: '→', leftarrow: '←', Rightarrow: '⇒', Leftarrow: '⇐', leftrightarrow: '↔',
  mapsto: '↦', in: '∈', notin: '∉', subset: '⊂', subseteq: '⊆', supset: '⊃', cup: '∪', cap: '∩', emptyset: '∅',
  forall: '∀', exists: '∃', neg: '¬', land: '∧', lor: '∨', sum: '∑', prod: '∏', int: '∫', oint: '∮', sqrt: '√',
  circ: '∘', star: '⋆', ast: '∗', dagger: '†', ell: 'ℓ', hbar: 'ħ', Re: 'ℜ', Im: 'ℑ', aleph: 'ℵ', prime: '′',
  langle: '⟨', rangle: '⟩', lvert: '|', rvert: '|', vert: '|', mid: '|', log: 'log', exp: 'exp', sin: 'sin', cos: 'cos',
  min: 'min', max: 'max', lim: 'lim', det: 'det', ln: 'ln', quad: ' ', qquad: '  ', AA: 'Å', ss: 'ß', o: 'ø', ae: 'æ',
  S: '§', textendash: '–', textemdash: '—', textasciitilde: '~', LaTeX: 'LaTeX', TeX: 'TeX', '&': '&', '%': '%',
  $: '$', '#': '#', _: '_', '{': '{', '}': '}', ',': ' ', ';': ' ', ':': ' ', '!': '', ' ': ' ',
};

const superscripts: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
  '+': '⁺', '-': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', n: 'ⁿ', i: 'ⁱ', T: 'ᵀ', k: 'ᵏ', d: 'ᵈ', '*': '*',
};
const subscripts: Record<string, string> = {
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉',
  '+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', n: 'ₙ', t: 'ₜ', x: 'ₓ', p: 'ₚ',
};

// Accents: \"o -> ö, \'e -> é, ...; combined with a combining mark then normalised.
const accents: Record<string, string> = { '"': '\u0308', "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307', u: '\u0306', v: '\u030c', H: '\u030b', c: '\u0327', k: '\u0328' };

// Commands whose argument is kept as plain text (fonts, emphasis, boxes).
const keepArgument = new Set([
  'textbf', 'textit', 'emph', 'texttt', 'textrm', 'textsf', 'textsc', 'text', 'mathrm', 'mathbf', 'mathit', 'mathsf',
  'mathtt', 'mathcal', 'mathbb', 'mathfrak', 'mathscr', 'boldsymbol', 'bm', 'operatorname', 'mbox', 'hbox', 'underline',
  'overline', 'hat', 'tilde', 'bar', 'vec', 'dot', 'widetilde', 'widehat', 'textup', 'textnormal', 'url',
]);

/** Readable plain text for a string with inline LaTeX. Never throws; unknown commands keep their name. */
export function latexToText(input: string): string {
  if (!input) return '';
  let s = input;
  // Accented letters first, in both \"o and \"{o} spellings.
  s = s.replace(/\\(["'`^~=.uvHck])\s*\{?([A-Za-z])\}?/g, (m, accent: string, letter: string) => {
    // \u, \v, \c ... are letters: only treat them as accents when followed by braces or a space.
    if (/[a-zA-Z]/.test(accent) && !/\\[a-zA-Z][{\s]/.test(m)) return m;
    return (letter + accents[accent]).normalize('NFC');
  });
  s = s.replace(/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, (_m, a: string, b: string) => `${wrap(a)}/${wrap(b)}`);
  s = s.replace(/\\sqrt\s*\{([^{}]*)\}/g, (_m, a: string) => `√${wrap(a)}`);
  s = s.replace(/\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])\s*\\?([()[\]|.{}])?/g, (_m, d: string | undefined) => (d && d !== '.' ? d : ''));
  for (let pass = 0; pass < 3; pass++) {
    s = s.replace(/\\([a-zA-Z]+)\s*\{([^{}]*)\}/g, (m, name: string, arg: string) => (keepArgument.has(name) ? arg : symbols[name] !== undefined ? symbols[name] + arg : m));
  }
  s = s.replace(/\^\s*(\{([^{}]*)\}|\\?[A-Za-z0-9+\-=()*])/g, (_m, whole: string, inner: string | undefined) => script(inner ?? whole, superscripts, '^'));
  s = s.replace(/_\s*(\{([^{}]*)\}|\\?[A-Za-z0-9+\-=()])/g, (_m, whole: string, inner: string | undefined) => script(inner ?? whole, subscripts, '_'));
  s = s.replace(/\\([a-zA-Z]+)(?![a-zA-Z])/g, (_m, name: string) => (symbols[name] !== undefined ? symbols[name] : name));
  s = s.replace(/\\([&%$#_{}, ;:!])/g, (_m, c: string) => symbols[c] ?? c);
  s = s.replace(/\$\$?/g, '').replace(/[{}]/g, '');
  s = s.replace(/---/g, '—').replace(/--/g, '–').replace(/``|''/g, '"').replace(/~/g, ' ');
  return s.replace(/\s+/g, ' ').trim();
}

function wrap(part: string): string {
  const t = latexToText(part);
  return /^[\p{L}\p{N}.]+$/u.test(t) ? t : `(${t})`;
}

function script(content: string, table: Record<string, string>, mark: string): string {
  const text = latexToText(content.replace(/^\\/, '\\'));
  const chars = [...text];
  if (chars.length && chars.every((c) => table[c] !== undefined)) return chars.map((c) => table[c]).join('');
  return chars.length === 1 ? `${mark}${text}` : `${mark}(${text})`;
}

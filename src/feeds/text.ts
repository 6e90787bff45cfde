// Plain text from paper titles and abstracts for places that cannot render math (feed titles, JSON
// API summaries, Markdown): LaTeX commands and math delimiters become readable text.
// (src/text/latex.ts will offer latexToText for the mail digests; this stays the feeds' fallback
// until it lands, and keeps the same contract: plain text in, plain text out, never markup.)

const SYMBOLS: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', phi: 'φ', varphi: 'φ',
  chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ',
  Omega: 'Ω', infty: '∞', times: '×', cdot: '·', pm: '±', leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', approx: '≈',
  sim: '∼', to: '→', rightarrow: '→', leftarrow: '←', in: '∈', sum: '∑', prod: '∏', partial: '∂', nabla: '∇',
  ell: 'ℓ', ldots: '…', dots: '…', cdots: '⋯', log: 'log', exp: 'exp', sqrt: '√', emph: '', textit: '', textbf: '',
  mathrm: '', mathbf: '', mathcal: '', mathbb: '', text: '', texttt: '', operatorname: '', tilde: '', hat: '', bar: '',
};

/** Title or abstract as plain text: `$O(n^2)$` -> `O(n^2)`, `\alpha` -> `α`, `\emph{x}` -> `x`, `{\em x}` -> `x`. */
export function latexToPlain(input: string): string {
  return input
    .replace(/\\([$%&#_{}])/g, (_m, c: string) => `\u0000${c}`) // escaped specials survive as themselves
    .replace(/\$\$?/g, '')
    .replace(/\\[()[\]]/g, '')
    .replace(/\\([A-Za-z]+)\s*/g, (_m, name: string) => (name in SYMBOLS ? SYMBOLS[name] : ''))
    .replace(/\\(.)/g, '$1')
    .replace(/[{}]/g, '')
    .replace(/\u0000/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

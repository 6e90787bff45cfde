import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latexToText } from './latex.js';

test('inline math in titles becomes readable text', () => {
  assert.equal(latexToText('$\\alpha$-Nets for $O(n^2)$ Attention'), 'α-Nets for O(n²) Attention');
  assert.equal(latexToText('Scaling to $10^{12}$ tokens with $\\mathbf{x}_i \\in \\mathbb{R}^d$'), 'Scaling to 10¹² tokens with xᵢ ∈ Rᵈ');
  assert.equal(latexToText('A $\\frac{1}{2}$-approximation'), 'A 1/2-approximation');
  assert.equal(latexToText('Schr\\"odinger bridges and Erd\\H{o}s--R\\\'enyi graphs'), 'Schrödinger bridges and Erdős–Rényi graphs');
  assert.equal(latexToText('\\textbf{Bold} claims at 95\\% confidence'), 'Bold claims at 95% confidence');
});

test('plain text and unknown commands keep their words', () => {
  assert.equal(latexToText('Attention Is All You Need'), 'Attention Is All You Need');
  assert.equal(latexToText('The \\foo operator'), 'The foo operator');
  assert.equal(latexToText(''), '');
  assert.equal(latexToText('$x^{a+b}$ and $y_{long}$'), 'x^(a+b) and y_(long)');
});

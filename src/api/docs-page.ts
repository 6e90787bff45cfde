// /api/docs: a readable page rendered on the server from the OpenAPI document (no CDN, no script).
import { html, type SafeHtml } from '../web/views/html.js';

type Json = Record<string, any>;

const typeOf = (schema: Json | undefined): string => {
  if (!schema) return '';
  if (schema.enum) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  const t = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'object');
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` ${schema.minimum ?? ''}..${schema.maximum ?? ''}` : '';
  return `${t}${range}`;
};

export function docsBody(doc: Json): SafeHtml {
  const ops: SafeHtml[] = [];
  const tags = new Map<string, SafeHtml[]>();
  for (const [path, methods] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(methods as Json)) {
      const params = (op.parameters ?? []) as Json[];
      const body = op.requestBody?.content?.['application/json']?.schema as Json | undefined;
      const ok = op.responses?.['200']?.content ?? {};
      const [type, okSchema] = Object.entries(ok as Json)[0] ?? ['', undefined];
      const section = html`<section class="api-op" id="${op.operationId}">
<h3><code>${method.toUpperCase()} ${path}</code>${op.security ? html` <span class="badge">token</span>` : ''}</h3>
<p>${op.summary}</p>
${op.description ? html`<p>${op.description}</p>` : ''}
${
  params.length
    ? html`<table><thead><tr><th scope="col">Parameter</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Default</th><th scope="col">Description</th></tr></thead><tbody>${params.map(
        (p) => html`<tr><td><code>${p.name}</code>${p.required ? ' (required)' : ''}</td><td>${p.in}</td><td>${typeOf(p.schema)}</td><td>${p.schema?.default === undefined ? '' : String(p.schema.default)}</td><td>${p.description ?? ''}</td></tr>`,
      )}</tbody></table>`
    : ''
}
${body ? html`<details><summary>Request body (JSON)</summary><pre>${JSON.stringify(body, null, 2)}</pre></details>` : ''}
<details><summary>Response: ${type}</summary><pre>${okSchema ? JSON.stringify(okSchema.schema, null, 2) : ''}</pre></details>
</section>`;
      const tag = (op.tags?.[0] as string) ?? 'Other';
      tags.set(tag, [...(tags.get(tag) ?? []), section]);
    }
  }
  for (const [tag, sections] of tags) ops.push(html`<h2>${tag}</h2>${sections}`);
  return html`<article class="api-docs">
<h1>${doc.info.title}</h1>
<p>${doc.info.description}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${doc.openapi}). Token-authenticated calls send <code>Authorization: Bearer &lt;token&gt;</code>; create tokens at <a href="/settings/tokens">/settings/tokens</a>.</p>
${ops}
</article>`;
}

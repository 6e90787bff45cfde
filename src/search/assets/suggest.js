// Search-as-you-type: shows matching paper titles under the header's search box. Without this
// script the box is a plain GET form, so search works the same without JavaScript.
(function () {
  'use strict';
  var input = document.getElementById('q');
  if (!input || !window.fetch) return;
  var list = document.createElement('ul');
  list.id = 'search-suggestions';
  list.className = 'suggestions';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.parentNode.appendChild(list);
  var timer = null;
  var last = '';
  var controller = null;

  function clear() {
    while (list.firstChild) list.removeChild(list.firstChild);
    list.hidden = true;
  }

  function show(items) {
    clear();
    items.forEach(function (s) {
      var li = document.createElement('li');
      li.setAttribute('role', 'option');
      var a = document.createElement('a');
      a.href = s.url;
      a.textContent = s.title; // text, never markup
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  input.addEventListener('input', function () {
    var q = input.value;
    if (timer) clearTimeout(timer);
    if (q.trim().length < 2) return clear();
    timer = setTimeout(function () {
      if (q === last) return;
      last = q;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch('/search/suggest?q=' + encodeURIComponent(q), { signal: controller ? controller.signal : undefined, headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) { if (input.value === q) show(body.suggestions || []); })
        .catch(function () {});
    }, 150);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') clear();
    if (e.key === 'ArrowDown' && list.firstChild) {
      e.preventDefault();
      list.firstChild.firstChild.focus();
    }
  });
  list.addEventListener('keydown', function (e) {
    var li = document.activeElement && document.activeElement.parentNode;
    if (!li || li.parentNode !== list) return;
    if (e.key === 'ArrowDown' && li.nextSibling) { e.preventDefault(); li.nextSibling.firstChild.focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); if (li.previousSibling) li.previousSibling.firstChild.focus(); else input.focus(); }
    if (e.key === 'Escape') { clear(); input.focus(); }
  });
  document.addEventListener('click', function (e) { if (e.target !== input && !list.contains(e.target)) clear(); });
})();

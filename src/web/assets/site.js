// Progressive enhancement for paperboy pages; every page works without it.
// Keyboard shortcuts (j/k/u, / and ?), upvote and submit without reload, copy BibTeX.
(function () {
  'use strict';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  function post(form) {
    return fetch(form.action, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: 'same-origin',
    }).then(function (res) {
      return res.json().then(function (data) {
        if (res.status === 401) {
          location.href = '/signin?next=' + encodeURIComponent(location.pathname);
          throw new Error(data.error || 'Sign in first');
        }
        if (!res.ok) throw new Error(data.error || 'Something went wrong');
        return data;
      });
    });
  }

  function upvote(form) {
    var button = form.querySelector('button');
    var want = form.querySelector('input[name=want]');
    button.disabled = true;
    post(form)
      .then(function (r) {
        button.setAttribute('aria-pressed', r.upvoted ? 'true' : 'false');
        var count = button.querySelector('.count');
        if (count) count.textContent = String(r.upvotes);
        want.value = r.upvoted ? '0' : '1';
      })
      .catch(function (e) { alert(e.message); })
      .then(function () { button.disabled = false; });
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !window.fetch) return;
    if (form.classList.contains('upvote')) {
      ev.preventDefault();
      upvote(form);
    } else if (form.getAttribute('data-enhance') === 'submit') {
      ev.preventDefault();
      var out = form.querySelector('.result');
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      out.textContent = 'Fetching the paper from arXiv…';
      post(form)
        .then(function (r) {
          out.textContent = r.message + ' ';
          var a = document.createElement('a');
          a.href = r.url;
          a.textContent = 'Open the paper';
          out.appendChild(a);
          form.querySelector('input[name=paper]').value = '';
        })
        .catch(function (e) { out.textContent = e.message; })
        .then(function () { button.disabled = false; });
    }
  });

  // Keyboard shortcuts
  var help = document.getElementById('keys-help');
  var keysButton = document.querySelector('[data-keys]');
  if (keysButton && help && help.showModal) {
    keysButton.hidden = false;
    keysButton.addEventListener('click', function () { help.showModal(); });
  }
  var items = Array.prototype.slice.call(document.querySelectorAll('li.paper'));
  var current = -1;
  function select(i) {
    if (!items.length) return;
    if (current >= 0) items[current].classList.remove('selected');
    current = Math.max(0, Math.min(items.length - 1, i));
    var item = items[current];
    item.classList.add('selected');
    var link = item.querySelector('h2 a');
    if (link) link.focus({ preventScroll: true });
    item.scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (help && help.open) return;
    switch (ev.key) {
      case 'j': select(current + 1); break;
      case 'k': select(current - 1); break;
      case 'u': {
        var scope = current >= 0 ? items[current] : document.querySelector('.paper-page');
        var form = scope && scope.querySelector('form.upvote');
        if (form) upvote(form);
        else if (scope) location.href = '/signin?next=' + encodeURIComponent(location.pathname);
        break;
      }
      case '/': {
        var q = document.getElementById('q');
        if (q) { q.focus(); q.select(); }
        break;
      }
      case '?':
        if (help && help.showModal) help.showModal();
        break;
      default:
        return;
    }
    ev.preventDefault();
  });

  // Copy BibTeX
  var copy = document.querySelector('[data-copy]');
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      var pre = document.getElementById(copy.getAttribute('data-copy'));
      navigator.clipboard.writeText(pre.textContent).then(function () { copy.textContent = 'Copied'; });
    });
  }
})();

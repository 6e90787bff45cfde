import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decay, decodeSignals, scoreOf, emptySignals, encodeSignals, historyOnAxis, parseWeights, scoreTerms, starVelocity, upvoteHistory, voteWeights, windowSignals } from './formula.js';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.parse('2026-11-20T12:00:00Z');

test('decay halves the weight of an event every half-life', () => {
  assert.equal(decay(0, 36), 1);
  assert.equal(decay(36 * H, 36), 0.5);
  assert.equal(decay(72 * H, 36), 0.25);
  assert.equal(decay(-5 * H, 36), 1, 'an event from the future counts as now, never more');
});

test('weights: names are checked, missing ones are zero', () => {
  assert.deepEqual(parseWeights(['upvotes=1', 'comments=0.5', 'stars=0.7', 'views=0.05']), { upvotes: 1, comments: 0.5, stars: 0.7, views: 0.05 });
  assert.deepEqual(parseWeights(['upvotes=2']), { upvotes: 2, comments: 0, stars: 0, views: 0 });
  assert.throws(() => parseWeights(['upvote=1']), /unknown term "upvote"/);
  assert.throws(() => parseWeights(['upvotes=abc']), /must be a number/);
  assert.throws(() => parseWeights(['upvotes=-1']), /must be a number/);
  assert.throws(() => parseWeights(['upvotes=1', 'upvotes=2']), /twice/);
  assert.throws(() => parseWeights(['upvotes']), /name=value/);
});

test('votes from established accounts count 1, from day-old accounts 1/4', () => {
  const old = T0 - 400 * D;
  const w = voteWeights([
    { at: T0, voterCreatedAt: old },
    { at: T0 + H, voterCreatedAt: T0 }, // account one hour old
    { at: T0 + 2 * D, voterCreatedAt: T0 }, // two days old by then
  ]);
  assert.deepEqual(w, [1, 0.25, 1]);
});

test('a burst of five new-account votes within an hour counts 1/20 each', () => {
  const minute = 60_000;
  // Five accounts created minutes before voting, all within 50 minutes: a burst.
  const burst = [0, 10, 20, 30, 50].map((m) => ({ at: T0 + m * minute, voterCreatedAt: T0 + m * minute - 3 * minute }));
  // A sixth new-account vote three hours later stands alone: 1/4.
  const lone = { at: T0 + 180 * minute, voterCreatedAt: T0 + 170 * minute };
  const established = { at: T0 + 5 * minute, voterCreatedAt: T0 - 30 * D };
  const votes = [...burst.slice(0, 1), established, ...burst.slice(1), lone];
  assert.deepEqual(voteWeights(votes), [0.05, 1, 0.05, 0.05, 0.05, 0.05, 0.25]);
  // Four new-account votes in an hour are not a burst.
  assert.deepEqual(voteWeights(burst.slice(0, 4)), [0.25, 0.25, 0.25, 0.25]);
  // Five spread over 61 minutes are not a burst either.
  const spread = [0, 15, 30, 45, 61].map((m) => ({ at: T0 + m * minute, voterCreatedAt: T0 + m * minute - minute }));
  assert.deepEqual(voteWeights(spread), [0.25, 0.25, 0.25, 0.25, 0.25]);
});

test('star velocity: stars gained per day since the window start', () => {
  const samples = [
    { at: T0 - 10 * D, stars: 100 },
    { at: T0 - 7 * D, stars: 130 },
    { at: T0 - 1 * D, stars: 400 },
    { at: T0, stars: 460 },
  ];
  // week: base is the sample at exactly the start (130) -> 330 over 7 days
  assert.equal(starVelocity(samples, T0 - 7 * D, T0), 330 / 7);
  // day: 60 over 1 day
  assert.equal(starVelocity(samples, T0 - D, T0), 60);
  // month: no sample before the start, so the first one inside: 360 over 10 days
  assert.equal(starVelocity(samples, T0 - 30 * D, T0), 36);
  // fewer stars than before is no momentum, not negative momentum
  assert.equal(starVelocity([{ at: T0 - D, stars: 50 }, { at: T0, stars: 40 }], T0 - 7 * D, T0), 0);
  // samples minutes apart are measured over at least a day
  assert.equal(starVelocity([{ at: T0 - 60_000, stars: 0 }, { at: T0, stars: 90 }], T0 - D, T0), 90);
  assert.equal(starVelocity([{ at: T0, stars: 90 }], T0 - D, T0), 0);
});

test('score: the terms add up with their weights and the log-scaled stars', () => {
  const s = { ...emptySignals(), upvotes: 10, upvoteCount: 10, comments: 4, commentCount: 4, starsPerDay: 7, views: 200, viewCount: 200 };
  const { score, terms } = scoreTerms(s, { upvotes: 1, comments: 0.5, stars: 0.7, views: 0.05 });
  // 10*1 + 4*0.5 + 0.7*log2(8)=2.1 + 200*0.05=10
  assert.deepEqual(
    terms.map((t) => [t.name, t.value, t.contribution]),
    [
      ['upvotes', 10, 10],
      ['comments', 4, 2],
      ['stars', 7, 2.1],
      ['views', 200, 10],
    ],
  );
  assert.equal(score, 24.1);
  assert.equal(scoreOf(s, { upvotes: 1, comments: 0.5, stars: 0.7, views: 0.05 }), score, 'the fast path gives the same score');
});

test('window signals: each event decays by its age and counts only in windows it falls in', () => {
  const old = T0 - 400 * D;
  const s = windowSignals(
    {
      votes: [
        { at: T0 - 20 * D, voterCreatedAt: old }, // month only, 20 days = 13.33 half-lives of 36h
        { at: T0 - 72 * H, voterCreatedAt: old }, // week and month: 1/4
        { at: T0 - 36 * H, voterCreatedAt: old }, // week and month: 1/2
        { at: T0, voterCreatedAt: old }, // all: 1
      ],
      comments: [T0 - 36 * H],
      views: [{ day: '2026-11-20', count: 8 }], // the middle of today is now: no decay
      stars: [],
    },
    T0,
    36,
  );
  assert.equal(s.day.upvoteCount, 1);
  assert.equal(s.day.upvotes, 1);
  assert.equal(s.week.upvoteCount, 3);
  assert.equal(s.week.upvotes, 1.75);
  assert.equal(s.month.upvoteCount, 4);
  assert.ok(Math.abs(s.month.upvotes - (1.75 + 2 ** (-(20 * 24) / 36))) < 1e-12);
  assert.equal(s.day.commentCount, 0);
  assert.equal(s.week.comments, 0.5);
  assert.equal(s.day.views, 8);
});

test('upvote history: votes per day over 30 days, stored compactly and laid out on any later axis', () => {
  const old = T0 - 400 * D;
  const votes = [T0 - 40 * D, T0 - 2 * D, T0 - 2 * D + H, T0 - H].map((at) => ({ at, voterCreatedAt: old }));
  const h = upvoteHistory(votes, T0);
  assert.deepEqual(h, { from: '2026-11-18', counts: [2, 0, 1] }, 'the 40-day-old vote is outside; leading empty days trimmed');
  assert.deepEqual(historyOnAxis(h, T0, 5), [0, 0, 2, 0, 1]);
  // Read a day later: everything moves one day to the left.
  assert.deepEqual(historyOnAxis(h, T0 + D, 5), [0, 2, 0, 1, 0]);
  assert.equal(upvoteHistory([], T0), undefined);
  const s = windowSignals({ votes, comments: [], views: [], stars: [] }, T0, 36);
  const back = decodeSignals(encodeSignals(s, h));
  assert.deepEqual(back.history, h);
  assert.equal(back.signals.week.upvoteCount, 3);
  assert.equal(back.signals.week.upvotes, Math.round(s.week.upvotes * 10_000) / 10_000);
});

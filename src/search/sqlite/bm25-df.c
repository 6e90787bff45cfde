/*
** bm25_df: FTS5's bm25() with the document frequencies of the query's phrases given by the caller.
**
** Why: bm25() computes each phrase's IDF on every query by reading that phrase's whole doclist
** (xQueryPhrase), whatever the LIMIT or rank window. At 1,000,000 papers a common word ("models",
** 645,000 papers) costs ~30 ms of CPU for that alone, ~1 ms to find the matches a query ranks.
** Document frequencies of common words barely move between queries, so paperboy counts each one
** once and keeps it for a while (bm25-df.ts), and passes the counts in.
**
**   bm25_df(fts_table, counts, w1, w2, ...)
**
** counts: a blob of float64, one per phrase of the MATCH expression in FTS5's phrase order; a
** negative value, a missing or NULL blob, or a blob for another number of phrases means "count
** it here", exactly as bm25() does.
** w1, w2, ...: column weights, as bm25()'s arguments. The score is bm25()'s to the last bit when
** the counts are the current ones (test/search/bm25-df.test.ts): same k1, b, IDF floor, average
** length from the index's own totals, and the same sign (lower is better).
**
** Built on the machine by bm25-df.ts with the C compiler if there is one, against the sqlite3ext.h
** that better-sqlite3 compiles SQLite from; without it search ranks with bm25() itself.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <math.h>
#include <string.h>

/* Per-query state, kept as the query's auxiliary data like bm25()'s. */
typedef struct Bm25Df {
  int nPhrase;
  double avgdl;  /* average tokens per row */
  double *aIDF;  /* IDF of each phrase */
  double *aFreq; /* weighted frequency of each phrase in the current row */
} Bm25Df;

static int countRow(const Fts5ExtensionApi *pApi, Fts5Context *pFts, void *pUserData) {
  (void)pApi;
  (void)pFts;
  (*(sqlite3_int64 *)pUserData)++;
  return SQLITE_OK;
}

static int queryData(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_value *counts, Bm25Df **ppData) {
  int rc = SQLITE_OK;
  Bm25Df *p = (Bm25Df *)pApi->xGetAuxdata(pFts, 0);
  if (p == 0) {
    int nPhrase = pApi->xPhraseCount(pFts);
    sqlite3_int64 nRow = 0, nToken = 0;
    sqlite3_int64 nByte = sizeof(Bm25Df) + nPhrase * 2 * sizeof(double);
    const double *aKnown = 0;
    int nKnown = 0, i;
    p = (Bm25Df *)sqlite3_malloc64(nByte);
    if (p == 0) return SQLITE_NOMEM;
    memset(p, 0, (size_t)nByte);
    p->nPhrase = nPhrase;
    p->aIDF = (double *)&p[1];
    p->aFreq = &p->aIDF[nPhrase];
    rc = pApi->xRowCount(pFts, &nRow);
    if (rc == SQLITE_OK) rc = pApi->xColumnTotalSize(pFts, -1, &nToken);
    if (rc == SQLITE_OK) p->avgdl = (double)nToken / (double)nRow;
    /* Counts for another number of phrases than FTS5 parsed are not trusted: all counted here. */
    if (counts && sqlite3_value_type(counts) == SQLITE_BLOB && sqlite3_value_bytes(counts) == nPhrase * (int)sizeof(double)) {
      /* Read with memcpy below: a blob's buffer need not be aligned for double. */
      nKnown = sqlite3_value_bytes(counts) / (int)sizeof(double);
      aKnown = (const double *)sqlite3_value_blob(counts);
    }
    for (i = 0; rc == SQLITE_OK && i < nPhrase; i++) {
      double nHit = -1.0;
      if (i < nKnown) memcpy(&nHit, (const char *)aKnown + i * sizeof(double), sizeof(double));
      if (!(nHit >= 0.0)) {
        sqlite3_int64 n = 0;
        rc = pApi->xQueryPhrase(pFts, i, (void *)&n, countRow);
        nHit = (double)n;
      }
      if (rc == SQLITE_OK) {
        /* bm25()'s IDF, floored the same way: log((N - n + 0.5) / (n + 0.5)), at least 1e-6. */
        double idf = log((nRow - nHit + 0.5) / (nHit + 0.5));
        if (idf <= 0.0) idf = 1e-6;
        p->aIDF[i] = idf;
      }
    }
    if (rc == SQLITE_OK) rc = pApi->xSetAuxdata(pFts, p, sqlite3_free);
    else sqlite3_free(p);
    if (rc != SQLITE_OK) p = 0;
  }
  *ppData = p;
  return rc;
}

static void bm25Df(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx, int nVal, sqlite3_value **apVal) {
  const double k1 = 1.2, b = 0.75;
  Bm25Df *p = 0;
  int rc, i, nInst = 0;
  double D = 0.0, score = 0.0;
  rc = queryData(pApi, pFts, nVal > 0 ? apVal[0] : 0, &p);
  if (rc == SQLITE_OK) {
    memset(p->aFreq, 0, sizeof(double) * p->nPhrase);
    rc = pApi->xInstCount(pFts, &nInst);
  }
  for (i = 0; rc == SQLITE_OK && i < nInst; i++) {
    int ip, ic, io;
    rc = pApi->xInst(pFts, i, &ip, &ic, &io);
    /* Column weights follow the counts argument. */
    if (rc == SQLITE_OK) p->aFreq[ip] += (nVal > ic + 1) ? sqlite3_value_double(apVal[ic + 1]) : 1.0;
  }
  if (rc == SQLITE_OK) {
    int nTok;
    rc = pApi->xColumnSize(pFts, -1, &nTok);
    D = (double)nTok;
  }
  if (rc == SQLITE_OK) {
    for (i = 0; i < p->nPhrase; i++) {
      score += p->aIDF[i] * ((p->aFreq[i] * (k1 + 1.0)) / (p->aFreq[i] + k1 * (1 - b + b * D / p->avgdl)));
    }
    sqlite3_result_double(pCtx, -1.0 * score);
  } else {
    sqlite3_result_error_code(pCtx, rc);
  }
}

/* The documented way to reach the fts5_api of a connection. */
static fts5_api *fts5ApiOf(sqlite3 *db) {
  fts5_api *pApi = 0;
  sqlite3_stmt *pStmt = 0;
  if (sqlite3_prepare(db, "SELECT fts5(?1)", -1, &pStmt, 0) == SQLITE_OK) {
    sqlite3_bind_pointer(pStmt, 1, (void *)&pApi, "fts5_api_ptr", 0);
    sqlite3_step(pStmt);
  }
  sqlite3_finalize(pStmt);
  return pApi;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_bm25df_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  fts5_api *fts5;
  SQLITE_EXTENSION_INIT2(pApi);
  fts5 = fts5ApiOf(db);
  if (fts5 == 0 || fts5->iVersion < 2) {
    *pzErrMsg = sqlite3_mprintf("bm25_df needs FTS5");
    return SQLITE_ERROR;
  }
  return fts5->xCreateFunction(fts5, "bm25_df", 0, bm25Df, 0);
}

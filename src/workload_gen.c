/*
 * The workload generator: one operation of one task at a time, expanded into
 * engine events (hmplan-profile(5) describes each kind).  Deterministic for a
 * seed; no state per page of RAM, only per task, per live vmap buffer and per
 * I/O in flight.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "size.h"
#include "workload.h"

struct gtask {
	uint64_t held[WORKLOAD_MAX_NEST];
	uint32_t nheld, want;
	uint64_t hold_left, hold;	/* operations left to hold; the kmap_hold's hold */
	bool holding;		/* all 'want' pages mapped, counting down hold_left */
	uint64_t cursor;	/* sequential pattern */
};

/* A FIFO that grows by doubling (vmap buffers, I/Os in flight). */
struct fifo {
	uint64_t *a, *b;	/* two parallel queues: id/expiry or slots/completion */
	size_t head, n, cap;
};

struct range_index {
	uint64_t *start, *cum;	/* cum[j] = pages in ranges before j */
	unsigned n;
	uint64_t pages;
};

/* The mix entries pick() chooses from, with their weights, in mix order. */
struct pick_table {
	uint64_t total;
	unsigned n;
	unsigned entry[WORKLOAD_MAX_MIX];
	uint64_t weight[WORKLOAD_MAX_MIX];
};

struct gen {
	struct gen_config c;
	const struct workload *w;
	gen_emit_fn emit;
	void *ctx;
	struct rng rng;
	struct zipf zipf;
	struct range_index low, high;
	uint64_t n_pages, n_high, perm;
	uint64_t high_step, low_step;	/* zone pages per working-set page, 32.32 fixed point */
	struct gtask *tasks;
	uint64_t now;			/* operations so far */
	struct fifo vq[WORKLOAD_MAX_MIX];	/* live vmap buffers per mix entry */
	uint64_t next_vid;
	struct fifo io;			/* bounced I/Os in flight */
	uint64_t due;			/* housekeeping has nothing to do before this */
	struct pick_table pick[2];	/* [holding]: a task holding kmaps picks no kmap_hold */
	uint64_t slots_used;
	struct gen_counters cnt;
	/* the operation's events, handed to emit() together */
	struct engine_event buf[64];
	char ids[64][24];
	size_t nbuf;
};

static int fifo_push(struct fifo *f, uint64_t a, uint64_t b)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64, i;
		uint64_t *na = malloc(cap * sizeof(*na)), *nb = malloc(cap * sizeof(*nb));

		if (!na || !nb) {
			free(na);
			free(nb);
			return -1;
		}
		for (i = 0; i < f->n; i++) {
			na[i] = f->a[(f->head + i) % f->cap];
			nb[i] = f->b[(f->head + i) % f->cap];
		}
		free(f->a);
		free(f->b);
		f->a = na;
		f->b = nb;
		f->head = 0;
		f->cap = cap;
	}
	f->a[(f->head + f->n) % f->cap] = a;
	f->b[(f->head + f->n) % f->cap] = b;
	f->n++;
	return 0;
}

static void fifo_pop(struct fifo *f)
{
	f->head = (f->head + 1) % f->cap;
	f->n--;
}

static int index_ranges(struct range_index *ri, const struct page_ranges *r)
{
	unsigned i;

	ri->n = r->n;
	ri->start = malloc((r->n + 1) * sizeof(uint64_t));
	ri->cum = malloc((r->n + 1) * sizeof(uint64_t));
	if (!ri->start || !ri->cum)
		return -1;
	ri->pages = 0;
	for (i = 0; i < r->n; i++) {
		ri->start[i] = r->start[i];
		ri->cum[i] = ri->pages;
		ri->pages += r->end[i] - r->start[i];
	}
	ri->cum[r->n] = UINT64_MAX;	/* a sentinel above every index */
	return 0;
}

/*
 * The i-th page of a zone's RAM.  A zone has a few ranges (a PC's highmem
 * two, either side of the PCI hole): counting the ranges that start at or
 * below i costs no branch the predictor can miss; many ranges are bisected.
 */
static inline uint64_t nth_page(const struct range_index *ri, uint64_t i)
{
	unsigned lo = 0, hi = ri->n, k;

	if (ri->n <= 8) {
		for (k = 1; k < ri->n; k++)
			lo += ri->cum[k] <= i;
		return ri->start[lo] + (i - ri->cum[lo]);
	}
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;

		if (ri->cum[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return ri->start[lo] + (i - ri->cum[lo]);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* How many working-set pages go to highmem, and whether they fit. */
static int split_pages(struct gen *g, struct diag *d)
{
	const struct workload *w = g->w;
	uint64_t h = g->high.pages, l = g->low.pages;
	double share = w->placement == PLACE_HIGHMEM ? 1 : w->placement == PLACE_LOWMEM ? 0
		: w->placement == PLACE_SHARE ? w->share : h + l ? (double)h / (double)(h + l) : 0;
	char a[32], b[32];

	g->n_pages = w->ws_share ? (uint64_t)((double)(h + l) * w->ws_share) : w->working_set / 4096;
	if (g->n_pages == 0)
		g->n_pages = 1;
	if (g->n_pages > h + l)
		return diag_at(d, w->path, w->ws_line, w->ws_col, "working set %s is larger than the "
			       "machine's RAM (%s)", size_human(a, sizeof(a), w->working_set),
			       size_human(b, sizeof(b), (h + l) * 4096));
	g->n_high = (uint64_t)((double)g->n_pages * share + 0.5);
	if (g->n_high > h)
		return diag_at(d, w->path, w->ws_line, w->ws_col, "%s of the working set is to be in "
			       "highmem, but this machine has %s of highmem",
			       size_human(a, sizeof(a), g->n_high * 4096),
			       size_human(b, sizeof(b), h * 4096));
	if (g->n_pages - g->n_high > l)
		return diag_at(d, w->path, w->ws_line, w->ws_col, "%s of the working set is to be in "
			       "lowmem, but this machine has %s of lowmem",
			       size_human(a, sizeof(a), (g->n_pages - g->n_high) * 4096),
			       size_human(b, sizeof(b), l * 4096));
	/*
	 * Each zone's share of the working set is spread evenly over the
	 * zone's RAM, as a long-running machine's page cache is: a highmem
	 * working set on a PAE machine reaches above 4 GiB in proportion.
	 * Working-set page i is zone page (i * step) >> 32; step >= 1 << 32,
	 * so distinct i stay distinct, and i * step < zone pages << 32.
	 */
	g->high_step = g->n_high ? (h << 32) / g->n_high : 0;
	g->low_step = g->n_pages > g->n_high ? (l << 32) / (g->n_pages - g->n_high) : 0;
	/* a fixed permutation spreads Zipf's hot ranks over the working set */
	g->perm = (uint64_t)((double)g->n_pages * 0.6180339887) | 1;
	while (g->n_pages > 1 && gcd(g->perm, g->n_pages) != 1)
		g->perm += 2;
	return 0;
}

static void pick_table(struct gen *g, struct pick_table *pt, bool holding)
{
	unsigned i;

	memset(pt, 0, sizeof(*pt));
	for (i = 0; i < g->w->nmix; i++)
		if (!(holding && g->w->mix[i].kind == OP_KMAP_HOLD)) {
			pt->entry[pt->n] = i;
			pt->weight[pt->n++] = g->w->mix[i].weight;
			pt->total += g->w->mix[i].weight;
		}
}

/* The mix does not change during a run: what pick() scans is prepared once. */
static void pick_tables(struct gen *g)
{
	pick_table(g, &g->pick[0], false);
	pick_table(g, &g->pick[1], true);
}

struct gen *gen_new(const struct gen_config *c, gen_emit_fn emit, void *ctx, struct diag *d)
{
	struct gen *g = calloc(1, sizeof(*g));
	uint32_t i;

	if (!g || index_ranges(&g->low, &c->low) || index_ranges(&g->high, &c->high) ||
	    !(g->tasks = calloc(c->tasks, sizeof(*g->tasks)))) {
		gen_free(g);
		diag_set(d, EXIT_IO, "out of memory");
		return NULL;
	}
	g->c = *c;
	g->w = c->w;
	g->emit = emit;
	g->ctx = ctx;
	rng_seed(&g->rng, c->seed);
	if (split_pages(g, d)) {
		gen_free(g);
		return NULL;
	}
	if (g->w->pattern == PATTERN_ZIPF &&
	    zipf_init(&g->zipf, g->n_pages, g->w->zipf_s, g->perm) < 0) {
		gen_free(g);
		diag_set(d, EXIT_IO, "out of memory");
		return NULL;
	}
	for (i = 0; i < c->tasks; i++)	/* sequential readers start spread out */
		g->tasks[i].cursor = g->n_pages * i / c->tasks;
	pick_tables(g);
	g->due = UINT64_MAX;
	return g;
}

void gen_free(struct gen *g)
{
	unsigned i;

	if (!g)
		return;
	free(g->low.start);
	free(g->low.cum);
	free(g->high.start);
	free(g->high.cum);
	free(g->tasks);
	zipf_free(&g->zipf);
	for (i = 0; i < WORKLOAD_MAX_MIX; i++) {
		free(g->vq[i].a);
		free(g->vq[i].b);
	}
	free(g->io.a);
	free(g->io.b);
	free(g);
}

static inline __attribute__((always_inline)) uint64_t page(struct gen *g, struct gtask *t)
{
	uint64_t i;

	switch (g->w->pattern) {
	case PATTERN_SEQUENTIAL:
		i = t->cursor;
		t->cursor = t->cursor + 1 < g->n_pages ? t->cursor + 1 : 0;
		break;
	case PATTERN_ZIPF:
		i = zipf_sample(&g->zipf, &g->rng) - 1;	/* already permuted */
		break;
	default:
		i = rng_below(&g->rng, g->n_pages);
	}
	if (i < g->n_high)
		return nth_page(&g->high, (i * g->high_step) >> 32);
	return nth_page(&g->low, ((i - g->n_high) * g->low_step) >> 32);
}

static int flush(struct gen *g)
{
	size_t n = g->nbuf;

	g->nbuf = 0;
	return n ? g->emit(g->ctx, g->buf, n) : 0;
}

#define BUF_EVENTS (sizeof(((struct gen *)0)->buf) / sizeof(struct engine_event))

/* The next free event in the buffer, the buffer handed on first if full (*rc). */
static inline struct engine_event *ev_slot(struct gen *g, int *rc)
{
	*rc = 0;
	if (g->nbuf == BUF_EVENTS)
		*rc = flush(g);
	return &g->buf[g->nbuf++];
}

/*
 * Room for n more events (n <= BUF_EVENTS): the buffer is handed on first if
 * they would not fit.  The engine sees the same events in the same order
 * whatever the batches.
 */
static inline int ev_room(struct gen *g, size_t n)
{
	return g->nbuf + n > BUF_EVENTS ? flush(g) : 0;
}

/* Queue one event where ev_room() made room; emit() numbers its line. */
static inline void put(struct gen *g, uint32_t task, enum engine_op op, uint64_t arg)
{
	struct engine_event *e = &g->buf[g->nbuf++];

	e->arg = arg;
	e->id = NULL;
	e->idlen = 0;
	e->task = task;
	e->op = (uint8_t)op;
}

/* Queue one event (emit() numbers its line). */
static inline int ev(struct gen *g, uint32_t task, enum engine_op op, uint64_t arg)
{
	int rc;
	struct engine_event *e = ev_slot(g, &rc);

	*e = (struct engine_event){ .arg = arg, .task = task, .op = (uint8_t)op };
	return rc;
}

/* "v" and the decimal number, NUL-terminated (as snprintf("v%llu") would write it). */
static uint32_t vmap_id(char *out, uint64_t id)
{
	char digits[20];
	uint32_t n = 0, len = 0;

	do {
		digits[n++] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	out[len++] = 'v';
	while (n)
		out[len++] = digits[--n];
	out[len] = '\0';
	return len;
}

/* Queue a vmap or vunmap of a buffer; its id is its number spelled "vN". */
static int ev_id(struct gen *g, uint32_t task, enum engine_op op, uint64_t arg, uint64_t id)
{
	int rc;
	struct engine_event *e = ev_slot(g, &rc);
	char *name = g->ids[e - g->buf];

	*e = (struct engine_event){ .arg = arg, .id = name, .idlen = vmap_id(name, id),
				    .task = task, .op = (uint8_t)op };
	return rc;
}

/* Map, use and unmap one or two pages with kmap_local or kmap_atomic. */
static int copy(struct gen *g, uint32_t task, struct gtask *t, bool atomic, bool two)
{
	enum engine_op map = atomic ? ENGINE_KMAP_ATOMIC : ENGINE_KMAP_LOCAL;
	enum engine_op unmap = atomic ? ENGINE_KUNMAP_ATOMIC : ENGINE_KUNMAP_LOCAL;
	uint64_t a = page(g, t), b = two ? page(g, t) : 0;
	int rc = ev_room(g, two ? 6 : 3);

	if (rc)
		return rc;
	put(g, task, map, a);
	if (two)
		put(g, task, map, b);
	put(g, task, ENGINE_TOUCH, a);
	if (two) {
		put(g, task, ENGINE_TOUCH, b);
		put(g, task, unmap, b);
	}
	put(g, task, unmap, a);
	return 0;
}

/* The next nested kmap() of a kmap_hold: map and touch one more page. */
static int hold_step(struct gen *g, uint32_t task, struct gtask *t)
{
	uint64_t p = page(g, t);
	int rc = ev(g, task, ENGINE_KMAP, p);

	if (!rc)
		rc = ev(g, task, ENGINE_TOUCH, p);
	t->held[t->nheld++] = p;
	if (t->nheld == t->want) {
		t->holding = true;
		t->hold_left = t->hold;
	}
	return rc;
}

/* Queue the kunmaps of a task's held kmaps, last mapped first. */
static int release(struct gen *g, uint32_t task, bool *released)
{
	struct gtask *t = &g->tasks[task];
	int rc = 0;

	*released = t->nheld > 0;
	while (t->nheld && !rc)
		rc = ev(g, task, ENGINE_KUNMAP, t->held[--t->nheld]);
	t->holding = false;
	t->want = 0;
	return rc;
}

int gen_release(struct gen *g, uint32_t task, bool *released)
{
	int rc = release(g, task, released);

	return rc ? rc : flush(g);
}

static int vmap_buffer(struct gen *g, uint32_t task, unsigned entry)
{
	const struct mix_entry *m = &g->w->mix[entry];
	uint64_t n = m->pages_min + rng_below(&g->rng, m->pages_max - m->pages_min + 1);
	uint64_t id = g->next_vid++;

	if (fifo_push(&g->vq[entry], id, g->now + m->lifetime) < 0)
		return ENGINE_ENOMEM;
	if (g->now + m->lifetime < g->due)
		g->due = g->now + m->lifetime;
	return ev_id(g, task, ENGINE_VMAP, n, id);
}

static int vunmap_head(struct gen *g, uint32_t task, struct fifo *q)
{
	uint64_t id = q->a[q->head];

	fifo_pop(q);
	g->cnt.vmaps_expired++;
	return ev_id(g, task, ENGINE_VUNMAP, 0, id);
}

static int bounce_io(struct gen *g, uint32_t task, struct gtask *t, const struct mix_entry *m,
		     struct gen_op *op)
{
	uint64_t p = page(g, t);
	int rc = 0;

	g->cnt.ios++;
	if ((p + 1) * 4096 <= m->dma_limit)
		return 0;		/* the device reaches it: plain DMA */
	if (!g->c.swiotlb_slots) {
		g->cnt.no_swiotlb++;
		return 0;
	}
	if (g->slots_used + 2 > g->c.swiotlb_slots) {
		g->cnt.swiotlb_full++;	/* "swiotlb buffer is full": the I/O fails */
		return 0;
	}
	if (fifo_push(&g->io, 2, g->now + m->in_flight) < 0)
		return ENGINE_ENOMEM;
	if (g->now + m->in_flight < g->due)
		g->due = g->now + m->in_flight;
	g->slots_used += 2;
	if (g->slots_used > g->cnt.slots_peak)
		g->cnt.slots_peak = g->slots_used;
	g->cnt.bounced++;
	op->bounces = 1;
	if (p >= g->c.max_low_pfn) {	/* swiotlb_bounce() maps highmem with kmap_atomic */
		rc = ev(g, task, ENGINE_KMAP_ATOMIC, p);
		if (!rc)
			rc = ev(g, task, ENGINE_TOUCH, p);
		if (!rc)
			rc = ev(g, task, ENGINE_KUNMAP_ATOMIC, p);
	}
	return rc;
}

/* The earliest expiry among the queues' heads (each queue is in expiry order). */
static uint64_t next_due(const struct gen *g)
{
	uint64_t due = g->io.n ? g->io.b[g->io.head] : UINT64_MAX;
	unsigned i;

	for (i = 0; i < g->w->nmix; i++)
		if (g->vq[i].n && g->vq[i].b[g->vq[i].head] < due)
			due = g->vq[i].b[g->vq[i].head];
	return due;
}

/* What is due at this point: expired vmap buffers, finished I/Os. */
static int housekeeping(struct gen *g, uint32_t task)
{
	unsigned i;
	int rc = 0;

	if (g->now < g->due)
		return 0;	/* the usual case: nothing expires yet */
	for (i = 0; i < g->w->nmix && !rc; i++)
		while (g->vq[i].n && g->vq[i].b[g->vq[i].head] <= g->now && !rc)
			rc = vunmap_head(g, task, &g->vq[i]);
	while (g->io.n && g->io.b[g->io.head] <= g->now) {
		g->slots_used -= g->io.a[g->io.head];
		fifo_pop(&g->io);
	}
	g->due = next_due(g);
	return rc;
}

/* Pick a mix entry by weight; while holding kmaps, not another kmap_hold. */
static int pick(struct gen *g, bool holding)
{
	const struct pick_table *pt = &g->pick[holding];
	uint64_t r;
	unsigned i;

	if (!pt->total)
		return -1;
	r = rng_below(&g->rng, pt->total);
	for (i = 0; i < pt->n; i++) {
		if (r < pt->weight[i])
			return (int)pt->entry[i];
		r -= pt->weight[i];
	}
	return -1;
}

static int operation(struct gen *g, uint32_t task, struct gen_op *op)
{
	struct gtask *t = &g->tasks[task];
	const struct mix_entry *m;
	bool released;
	int rc = housekeeping(g, task), i;

	g->now++;
	memset(op, 0, sizeof(*op));
	if (rc)
		return rc;
	if (t->holding && t->hold_left == 0 && (rc = release(g, task, &released)))
		return rc;
	if (t->nheld && !t->holding) {	/* still acquiring nested kmaps */
		op->kind = OP_KMAP_HOLD;
		op->yield = true;
		return hold_step(g, task, t);
	}
	if (t->holding)
		t->hold_left--;
	i = pick(g, t->holding);
	if (i < 0) {			/* only kmap_hold in the mix: use a held page */
		op->kind = OP_KMAP_HOLD;
		return ev(g, task, ENGINE_TOUCH, t->held[0]);
	}
	m = &g->w->mix[i];
	op->kind = m->kind;
	switch (m->kind) {
	case OP_LOCAL_COPY:
	case OP_LOCAL_COPY2:
	case OP_ATOMIC_COPY:
	case OP_ATOMIC_COPY2:
		op->copies = 1;
		return copy(g, task, t, m->kind == OP_ATOMIC_COPY || m->kind == OP_ATOMIC_COPY2,
			    m->kind == OP_LOCAL_COPY2 || m->kind == OP_ATOMIC_COPY2);
	case OP_KMAP_HOLD:
		t->want = m->nest;
		t->hold = m->hold;
		op->yield = true;
		return hold_step(g, task, t);
	case OP_VMAP_BUFFER:
		return vmap_buffer(g, task, (unsigned)i);
	case OP_BOUNCE_IO:
		return bounce_io(g, task, t, m, op);
	default:
		op->yield = true;
		return ev(g, task, ENGINE_SWITCH, 0);
	}
}

int gen_op(struct gen *g, uint32_t task, struct gen_op *op)
{
	int rc = operation(g, task, op);

	return rc ? rc : flush(g);
}

int gen_release_vmaps(struct gen *g, uint32_t task)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < g->w->nmix && !rc; i++)
		while (g->vq[i].n && !rc)
			rc = vunmap_head(g, task, &g->vq[i]);
	return rc ? rc : flush(g);
}

const struct gen_counters *gen_counters(const struct gen *g)
{
	return &g->cnt;
}

uint64_t gen_pages(const struct gen *g, uint64_t *high)
{
	*high = g->n_high;
	return g->n_pages;
}

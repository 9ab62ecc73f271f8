/*
 * Free vmap blocks: an AVL tree keyed by start page, each node also knowing
 * the largest block in its subtree -- the kernel's augmented free_vmap_area
 * tree, reduced to what the lowest-address fit needs.  Every operation is
 * O(log blocks).  Nodes live in one array and are named by index.
 */
#include "config.h"

#include <stdlib.h>

#include "internal.h"

#define N(i) (t->n[i])

static uint64_t max_of(const struct vtree *t, uint32_t i)
{
	return i == NIL ? 0 : N(i).max;
}

static int32_t height(const struct vtree *t, uint32_t i)
{
	return i == NIL ? 0 : N(i).h;
}

static void fix(struct vtree *t, uint32_t i)
{
	uint64_t m = N(i).size, lm = max_of(t, N(i).l), rm = max_of(t, N(i).r);
	int32_t lh = height(t, N(i).l), rh = height(t, N(i).r);

	N(i).max = m > lm ? (m > rm ? m : rm) : (lm > rm ? lm : rm);
	N(i).h = 1 + (lh > rh ? lh : rh);
}

static uint32_t rot_right(struct vtree *t, uint32_t i)
{
	uint32_t l = N(i).l;

	N(i).l = N(l).r;
	N(l).r = i;
	fix(t, i);
	fix(t, l);
	return l;
}

static uint32_t rot_left(struct vtree *t, uint32_t i)
{
	uint32_t r = N(i).r;

	N(i).r = N(r).l;
	N(r).l = i;
	fix(t, i);
	fix(t, r);
	return r;
}

static uint32_t balance(struct vtree *t, uint32_t i)
{
	int32_t bf;

	fix(t, i);
	bf = height(t, N(i).l) - height(t, N(i).r);
	if (bf > 1) {
		if (height(t, N(N(i).l).l) < height(t, N(N(i).l).r))
			N(i).l = rot_left(t, N(i).l);
		return rot_right(t, i);
	}
	if (bf < -1) {
		if (height(t, N(N(i).r).r) < height(t, N(N(i).r).l))
			N(i).r = rot_right(t, N(i).r);
		return rot_left(t, i);
	}
	return i;
}

void vtree_init(struct vtree *t)
{
	t->n = NULL;
	t->cap = 0;
	t->root = NIL;
	t->used = 0;
	t->free = NIL;
}

void vtree_free(struct vtree *t)
{
	free(t->n);
	vtree_init(t);
}

static uint32_t node_new(struct vtree *t, uint64_t start, uint64_t size)
{
	uint32_t i = t->free;

	if (i != NIL) {
		t->free = N(i).l;
	} else {
		if (t->used >= NIL - 1 || grow(&t->n, &t->cap, (size_t)t->used + 1, sizeof(*t->n)) < 0)
			return NIL;
		i = t->used++;
	}
	N(i) = (struct vnode){ start, size, size, NIL, NIL, 1 };
	return i;
}

static void node_drop(struct vtree *t, uint32_t i)
{
	N(i).l = t->free;
	t->free = i;
}

static uint32_t insert_node(struct vtree *t, uint32_t i, uint32_t node)
{
	if (i == NIL)
		return node;
	if (N(node).start < N(i).start)
		N(i).l = insert_node(t, N(i).l, node);
	else
		N(i).r = insert_node(t, N(i).r, node);
	return balance(t, i);
}

static uint32_t remove_min(struct vtree *t, uint32_t i, uint32_t *min)
{
	if (N(i).l == NIL) {
		*min = i;
		return N(i).r;
	}
	N(i).l = remove_min(t, N(i).l, min);
	return balance(t, i);
}

static uint32_t remove_key(struct vtree *t, uint32_t i, uint64_t start)
{
	uint32_t l, r, m;

	if (i == NIL)
		return NIL;
	if (start < N(i).start) {
		N(i).l = remove_key(t, N(i).l, start);
		return balance(t, i);
	}
	if (start > N(i).start) {
		N(i).r = remove_key(t, N(i).r, start);
		return balance(t, i);
	}
	l = N(i).l;
	r = N(i).r;
	node_drop(t, i);
	if (r == NIL)
		return l;
	r = remove_min(t, r, &m);
	N(m).l = l;
	N(m).r = r;
	return balance(t, m);
}

/* Deeper than any AVL tree of 2^32 nodes (1.44 log2 n). */
#define VTREE_MAX_DEPTH 64

/*
 * The node at start changed size in place (the tree's shape and heights did
 * not): the maxima on its path, bottom up, as far as one changes -- above a
 * node whose maximum is what it was, nothing changes.
 */
static void refresh(struct vtree *t, uint64_t start)
{
	uint32_t path[VTREE_MAX_DEPTH], n = 0, i;

	for (i = t->root; i != NIL && n < VTREE_MAX_DEPTH; i = start < N(i).start ? N(i).l : N(i).r) {
		path[n++] = i;
		if (start == N(i).start)
			break;
	}
	while (n--) {
		uint64_t m, lm, rm;

		i = path[n];
		m = N(i).size;
		lm = max_of(t, N(i).l);
		rm = max_of(t, N(i).r);
		m = m > lm ? (m > rm ? m : rm) : (lm > rm ? lm : rm);
		if (m == N(i).max)
			return;
		N(i).max = m;
	}
}

/* The lowest-start block of at least need pages. */
static uint32_t first_fit(const struct vtree *t, uint64_t need)
{
	uint32_t i = t->root;

	while (i != NIL && N(i).max >= need) {
		if (max_of(t, N(i).l) >= need)
			i = N(i).l;
		else if (N(i).size >= need)
			return i;
		else
			i = N(i).r;
	}
	return NIL;
}

int vtree_alloc(struct vtree *t, uint64_t need, uint64_t *start)
{
	uint32_t i = first_fit(t, need);

	if (i == NIL)
		return -1;
	*start = N(i).start;
	if (N(i).size == need) {
		t->root = remove_key(t, t->root, N(i).start);
	} else {
		/* the area takes the low end; the rest stays free, in the same place */
		N(i).start += need;
		N(i).size -= need;
		refresh(t, N(i).start);
	}
	return 0;
}

/* The block with the largest start < key (pred) and the smallest start > key (succ). */
static void neighbours(const struct vtree *t, uint64_t key, uint32_t *pred, uint32_t *succ)
{
	uint32_t i = t->root;

	*pred = *succ = NIL;
	while (i != NIL) {
		if (N(i).start < key) {
			*pred = i;
			i = N(i).r;
		} else {
			*succ = i;
			i = N(i).l;
		}
	}
}

int vtree_insert(struct vtree *t, uint64_t start, uint64_t size)
{
	uint32_t p, s, n;
	bool left, right;

	neighbours(t, start, &p, &s);
	left = p != NIL && N(p).start + N(p).size == start;
	right = s != NIL && start + size == N(s).start;
	if (left && right) {
		uint64_t more = N(s).size;

		t->root = remove_key(t, t->root, N(s).start);
		N(p).size += size + more;
		refresh(t, N(p).start);
	} else if (left) {
		N(p).size += size;
		refresh(t, N(p).start);
	} else if (right) {
		N(s).start = start;
		N(s).size += size;
		refresh(t, start);
	} else {
		n = node_new(t, start, size);
		if (n == NIL)
			return -1;
		t->root = insert_node(t, t->root, n);
	}
	return 0;
}

static void walk(const struct vtree *t, uint32_t i,
		 void (*fn)(void *ctx, uint64_t start, uint64_t size), void *ctx)
{
	if (i == NIL)
		return;
	walk(t, N(i).l, fn, ctx);
	fn(ctx, N(i).start, N(i).size);
	walk(t, N(i).r, fn, ctx);
}

void vtree_walk(const struct vtree *t, void (*fn)(void *ctx, uint64_t start, uint64_t size),
		void *ctx)
{
	walk(t, t->root, fn, ctx);
}

/* The subtree at i: its height, or -1 if a key, height or maximum is wrong. */
static int32_t check(const struct vtree *t, uint32_t i, uint64_t lo, uint64_t hi)
{
	int32_t lh, rh;
	uint64_t m;

	if (i == NIL)
		return 0;
	if (N(i).start < lo || N(i).start >= hi || !N(i).size)
		return -1;
	lh = check(t, N(i).l, lo, N(i).start);
	rh = check(t, N(i).r, N(i).start + 1, hi);
	m = N(i).size;
	if (max_of(t, N(i).l) > m)
		m = max_of(t, N(i).l);
	if (max_of(t, N(i).r) > m)
		m = max_of(t, N(i).r);
	if (lh < 0 || rh < 0 || N(i).h != 1 + (lh > rh ? lh : rh) || lh - rh > 1 || rh - lh > 1 ||
	    N(i).max != m)
		return -1;
	return N(i).h;
}

const char *vtree_check(const struct vtree *t)
{
	return check(t, t->root, 0, UINT64_MAX) < 0
		? "vmap: the free tree's order, balance, heights or maxima are wrong" : NULL;
}

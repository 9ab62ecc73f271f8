/*
 * gentrace: write a realistic, mistake-free trace for 'make bench'.
 *
 *	gentrace EVENTS [SEED] > FILE
 *
 * 32 tasks on 4 CPUs do what kernel code does: short kmap()/kunmap() pairs
 * (a few nested), LIFO stacks of kmap_local_page(), short kmap_atomic()
 * sections during which the CPU is not given away, touches of what they
 * mapped, explicit switches, migrations when nothing pins them, and
 * vmap()/vunmap() of small areas.  Pages come from per-task working sets, so
 * pkmap hits, wraps, reclaims and vmap purges all happen.  The PRNG is in
 * tree (splitmix64): the same seed gives the same bytes everywhere.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTASKS 32
#define NCPUS 4
#define MAX_HOLDS 4
#define MAX_DEPTH 6
#define MAX_VMAPS 8
#define WSET 48
#define MAX_LOW_PFN 0x36bfeull

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

struct task {
	unsigned cpu;
	uint64_t holds[MAX_HOLDS];
	unsigned nholds;
	uint64_t stack[MAX_DEPTH];
	int atomic[MAX_DEPTH];
	unsigned depth, natomic;
	uint64_t vmaps[MAX_VMAPS];
	unsigned nvmaps;
	uint64_t wset[WSET];
};

static struct task tasks[NTASKS];
static int current[NCPUS];
static uint64_t next_vmap;

/* ---- output: one big buffer, numbers formatted by hand ---- */

static char out[1 << 20];
static size_t olen;

static void flush_out(void)
{
	if (fwrite(out, 1, olen, stdout) != olen) {
		perror("gentrace: write");
		exit(1);
	}
	olen = 0;
}

static void put(const char *s)
{
	size_t n = strlen(s);

	memcpy(out + olen, s, n);
	olen += n;
}

static void put_u(uint64_t v)
{
	char b[24];
	size_t i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(out + olen, b + i, sizeof(b) - i);
	olen += sizeof(b) - i;
}

static void event(unsigned t, const char *op)
{
	if (olen > sizeof(out) - 256)
		flush_out();
	out[olen++] = 't';
	put_u(t);
	out[olen++] = ' ';
	put(op);
}

static void end_line(void)
{
	out[olen++] = '\n';
}

static void event_n(unsigned t, const char *op, uint64_t n)
{
	event(t, op);
	out[olen++] = ' ';
	put_u(n);
	end_line();
}

/* ---- what a task does ---- */

static uint64_t some_page(struct task *t)
{
	if (below(10) == 0)
		return 256 + below(100000);		/* lowmem */
	if (below(50) == 0)
		t->wset[below(WSET)] = MAX_LOW_PFN + (rnd() % (1u << 20));	/* drift */
	return t->wset[below(WSET)];
}

static uint64_t mapped_page(struct task *t)
{
	unsigned n = t->nholds + t->depth;
	unsigned i = below(n);

	return i < t->nholds ? t->holds[i] : t->stack[i - t->nholds];
}

static void local_map(unsigned ti, struct task *t, int atomic)
{
	uint64_t p = some_page(t);

	event_n(ti, atomic ? "kmap_atomic" : "kmap_local", p);
	if (p < MAX_LOW_PFN && !atomic)
		return;		/* a lowmem local map takes no slot; nothing to undo */
	t->stack[t->depth] = p;
	t->atomic[t->depth++] = atomic;
	t->natomic += atomic;
}

static void local_unmap(unsigned ti, struct task *t)
{
	int atomic = t->atomic[--t->depth];

	event_n(ti, atomic ? "kunmap_atomic" : "kunmap_local", t->stack[t->depth]);
	t->natomic -= atomic;
}

static void vmap(unsigned ti, struct task *t)
{
	uint64_t id = next_vmap++;

	event(ti, "vmap v");
	put_u(id);
	out[olen++] = ' ';
	put_u(1 + below(16));
	end_line();
	t->vmaps[t->nvmaps++] = id;
}

static void vunmap(unsigned ti, struct task *t)
{
	unsigned i = below(t->nvmaps);

	event(ti, "vunmap v");
	put_u(t->vmaps[i]);
	end_line();
	t->vmaps[i] = t->vmaps[--t->nvmaps];
}

/* Move to a CPU whose current task is not atomic (it would be preempted). */
static void migrate(unsigned ti, struct task *t)
{
	unsigned cpu = below(NCPUS);
	int cur = current[cpu];

	if (cur >= 0 && cur != (int)ti && tasks[cur].natomic) {
		event_n(ti, "touch", 300);
		return;
	}
	event_n(ti, "cpu", cpu);
	if (current[t->cpu] == (int)ti)
		current[t->cpu] = -1;
	t->cpu = cpu;
	current[cpu] = (int)ti;
}

/* Inside a kmap_atomic section: no sleeping, no switching. */
static void atomic_step(unsigned ti, struct task *t)
{
	unsigned x = below(10);

	if (x < 3 && t->depth < MAX_DEPTH)
		local_map(ti, t, 1);
	else if (x < 6 && t->depth)
		event_n(ti, "touch", mapped_page(t));
	else
		local_unmap(ti, t);
}

static void step(unsigned ti)
{
	struct task *t = &tasks[ti];
	unsigned x = below(100);

	if (t->natomic) {
		atomic_step(ti, t);
		return;
	}
	if (x < 12 && t->nholds < MAX_HOLDS) {
		uint64_t p = some_page(t);

		event_n(ti, "kmap", p);
		if (p >= MAX_LOW_PFN)
			t->holds[t->nholds++] = p;
	} else if (x < 24 && t->nholds) {
		unsigned i = below(t->nholds);

		event_n(ti, "kunmap", t->holds[i]);
		t->holds[i] = t->holds[--t->nholds];
	} else if (x < 38 && t->depth < MAX_DEPTH) {
		local_map(ti, t, 0);
	} else if (x < 54 && t->depth) {
		local_unmap(ti, t);
	} else if (x < 62 && t->depth < MAX_DEPTH) {
		local_map(ti, t, 1);
	} else if (x < 80 && t->nholds + t->depth) {
		event_n(ti, "touch", mapped_page(t));
	} else if (x < 84) {
		event(ti, "switch");
		end_line();
	} else if (x < 86 && !t->depth) {
		migrate(ti, t);
	} else if (x < 93 && t->nvmaps < MAX_VMAPS) {
		vmap(ti, t);
	} else if (t->nvmaps) {
		vunmap(ti, t);
	} else {
		event_n(ti, "touch", 300);
	}
}

/*
 * The task to run next: a CPU's current task (always while it is atomic),
 * or now and then another task of that CPU (an implicit context switch).
 */
static unsigned pick(void)
{
	for (;;) {
		unsigned cpu = below(NCPUS), tries, i;
		int cur = current[cpu];

		if (cur >= 0 && (tasks[cur].natomic || below(8)))
			return (unsigned)cur;
		for (tries = 0; tries < 64; tries++) {
			i = below(NTASKS);
			if (tasks[i].cpu == cpu) {
				current[cpu] = (int)i;
				return i;
			}
		}
		if (cur >= 0)
			return (unsigned)cur;
	}
}

int main(int argc, char **argv)
{
	uint64_t n, k;
	unsigned i, j;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gentrace EVENTS [SEED] > FILE\n");
		return 2;
	}
	n = strtoull(argv[1], NULL, 10);
	rng_state = argc == 3 ? strtoull(argv[2], NULL, 10) : 1;
	for (i = 0; i < NCPUS; i++)
		current[i] = -1;
	for (i = 0; i < NTASKS; i++) {
		tasks[i].cpu = i % NCPUS;
		for (j = 0; j < WSET; j++)
			tasks[i].wset[j] = MAX_LOW_PFN + (rnd() % (1u << 20));
	}
	printf("# hmplan bench trace: %" PRIu64 " events, seed %s, %d tasks on %d CPUs\n"
	       "#@ cpus=%d\n", n, argc == 3 ? argv[2] : "1", NTASKS, NCPUS, NCPUS);
	/* every task's first event in index order, so indexes and CPUs are as above */
	for (i = 0; i < NTASKS && i < n; i++)
		event_n(i, "touch", 100);
	for (k = i; k < n; k++)
		step(pick());
	flush_out();
	return fflush(stdout) == 0 ? 0 : 1;
}

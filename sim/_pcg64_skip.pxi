# Included, not imported, by sim/_weekly.pyx only (after _generator.pxi): forgetting is the one user, so
# only that module checks numpy's layout when it loads.
#
# Skipping draws. Forgetting (``_weekly.forget``) draws a uniform for every member slot, as the numpy form
# drew an array for the whole table, although only the members the task force knows use theirs (about one
# slot in twelve in a default run); the stream must stay as it was. numpy's PCG64, the model's bit
# generator, makes each 64-bit output (one uniform) by one step of a 128-bit linear congruential generator,
# ``state = state * MULT + inc``, and then hashes the state. The slots that do not use their draw can
# therefore be passed over by advancing the state as many steps, without the hash, the conversion and the
# call per draw: the generator ends in exactly the state the draws would have left, and the slots that do
# draw get exactly the values they got. A jump of k steps is one affine map of the state, whose factors are
# tabulated (numpy's ``PCG64.advance`` jumps too, but it is a Python method, and it also clears the
# buffered 32-bit half, which uniform draws do not touch). The jump reads numpy's PCG64 state through its C
# layout (``pcg64.h``: a pointer to ``{state, inc}``, two 128-bit integers), which numpy does not publish;
# so it is used only on a bit generator whose type is exactly ``numpy.random.PCG64``, only under numpy 1
# or 2 (a later major version is not read at all), only where the C compiler has 128-bit integers
# (numpy's own PCG64 then uses them), and only after :func:`_skipping_verified` has checked, when the
# module is loaded, that the layout gives the state numpy reports and that skipping leaves every draw and
# the whole state (the buffered half included) as drawing does. Otherwise every uniform is drawn, as before.
# Measured (callgrind, 2026-11-30): forgetting took 35,400 machine instructions a call, 14,100 with the skips.
cdef extern from *:
    """
    #include <stdint.h>
    #if defined(__SIZEOF_INT128__)
    #define SIM_PCG64_SKIP 1
    typedef unsigned __int128 sim_u128;
    typedef struct { sim_u128 state; sim_u128 inc; } sim_pcg_128;
    typedef struct { sim_pcg_128 *pcg_state; int has_uint32; uint32_t uinteger; } sim_pcg64_state;
    #define SIM_PCG64_MULT ((((sim_u128)0x2360ED051FC65DA4ULL) << 64) | 0x4385DF649FCCF645ULL)

    /* k steps of the generator are one affine map, state -> MULT^k state + (1 + MULT + ... + MULT^(k-1)) inc:
       the factors for k = 0..SIM_PCG64_JUMPS are tabulated once (sim_pcg64_init), so skipping k outputs
       costs two 128-bit multiplications, not k steps. */
    #define SIM_PCG64_JUMPS 256
    static sim_u128 sim_pcg64_power[SIM_PCG64_JUMPS + 1], sim_pcg64_series[SIM_PCG64_JUMPS + 1];

    static void sim_pcg64_init(void) {
        int k;
        sim_pcg64_power[0] = 1;
        sim_pcg64_series[0] = 0;
        for (k = 0; k < SIM_PCG64_JUMPS; k++) {
            sim_pcg64_power[k + 1] = sim_pcg64_power[k] * SIM_PCG64_MULT;
            sim_pcg64_series[k + 1] = sim_pcg64_series[k] * SIM_PCG64_MULT + 1;
        }
    }

    /* Advance numpy's PCG64 state by k outputs. */
    static inline void sim_pcg64_skip(void *bitgen_state, uint64_t k) {
        sim_pcg_128 *rng = ((sim_pcg64_state *)bitgen_state)->pcg_state;
        sim_u128 state = rng->state, inc = rng->inc;
        for (; k > SIM_PCG64_JUMPS; k -= SIM_PCG64_JUMPS)
            state = sim_pcg64_power[SIM_PCG64_JUMPS] * state + sim_pcg64_series[SIM_PCG64_JUMPS] * inc;
        rng->state = sim_pcg64_power[k] * state + sim_pcg64_series[k] * inc;
    }

    /* The 128-bit state and increment as read through the layout, each as (high, low) halves. */
    static inline void sim_pcg64_read(void *bitgen_state, uint64_t *out) {
        sim_pcg_128 *rng = ((sim_pcg64_state *)bitgen_state)->pcg_state;
        out[0] = (uint64_t)(rng->state >> 64); out[1] = (uint64_t)rng->state;
        out[2] = (uint64_t)(rng->inc >> 64); out[3] = (uint64_t)rng->inc;
    }
    #else
    #define SIM_PCG64_SKIP 0
    static void sim_pcg64_init(void) {}
    static inline void sim_pcg64_skip(void *bitgen_state, uint64_t k) { (void)bitgen_state; (void)k; }
    static inline void sim_pcg64_read(void *bitgen_state, uint64_t *out) { (void)bitgen_state; (void)out; }
    #endif
    """
    const int SIM_PCG64_SKIP
    void sim_pcg64_init() noexcept nogil
    void sim_pcg64_skip(void* bitgen_state, uint64_t k) noexcept nogil
    void sim_pcg64_read(void* bitgen_state, uint64_t* out) noexcept nogil


def _skipping_verified():
    """Whether skipping draws (see above) is exact here: for a few generators and numbers of draws, the
    state read through the layout is the state numpy reports, and skipping ``k`` draws then drawing one
    gives the value and leaves the state (buffered half included) that drawing ``k + 1`` gives."""
    cdef uint64_t halves[4]
    cdef bitgen_t* bits
    if not SIM_PCG64_SKIP or np.__version__.split(".")[0] not in ("1", "2"):
        return False  # the layout is read only under the numpy versions known to have it (1.17 on)
    sim_pcg64_init()
    for seed, k in ((0, 0), (1, 1), (2, 2), (3, 3), (4, 255), (5, 256), (6, 257), (7, 1000), (8, 123457)):
        skipped, drawn = np.random.Generator(np.random.PCG64(seed)), np.random.Generator(np.random.PCG64(seed))
        skipped.integers(0, 1000)  # leaves a buffered 32-bit half, which the uniforms must not touch
        drawn.integers(0, 1000)
        state = skipped.bit_generator.state
        bits = bitgen_of(skipped)
        sim_pcg64_read(bits.state, halves)
        if ((<object> halves[0]) << 64 | halves[1], (<object> halves[2]) << 64 | halves[3]) != (
            state["state"]["state"], state["state"]["inc"]
        ):
            return False
        sim_pcg64_skip(bits.state, k)
        value = bits.next_double(bits.state)
        if value != drawn.random(k + 1)[k] or skipped.bit_generator.state != drawn.bit_generator.state:
            return False
    return True


#: Whether the kernels skip unused draws on a PCG64 generator (checked once, when the module is loaded).
PCG64_SKIPS = bool(_skipping_verified())
cdef bint _skips = PCG64_SKIPS
cdef object _PCG64 = np.random.PCG64


cdef inline bint generator_skips(object rng) except -1:
    """Whether :func:`skip_draws` may pass over draws of ``rng`` (a PCG64 generator, skipping verified)."""
    return _skips and type(rng.bit_generator) is _PCG64


cdef inline void skip_draws(bitgen_t* bitgen, Py_ssize_t k) noexcept nogil:
    """Leave ``bitgen`` (a PCG64 generator's, see :func:`generator_skips`) as ``k`` uniform draws would."""
    if k > 0:
        sim_pcg64_skip(bitgen.state, <uint64_t> k)

"""Long-run NUTS reference draws for the posteriors without exact samplers (Issue 25, item 13).

Each posterior's log density is written here in JAX from the definitions in docs (SPEC §8 of
the project's math), independently of the Rust code; `check` then compares it with
`bridgelab density` at the draws, so both implementations must agree before the draws are
used. Run from the repository root:

    python tools/reference_draws/reference_draws.py sample seeds sonar ionosphere brownian
    python tools/reference_draws/reference_draws.py check seeds sonar ionosphere brownian

`sample` writes data/<name>_gt_samples.csv.gz and prints a line of the chains' diagnostics
(split R-hat and effective sample sizes, numpyro's) for data/README.md; `check` needs a built
`target/release/bridgelab`. Versions used: tools/crosscheck/requirements.txt.
"""

import csv
import gzip
import os
import subprocess
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=4")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.scipy.special import gammaln  # noqa: E402

jax.config.update("jax_enable_x64", True)

from numpyro.diagnostics import effective_sample_size, split_gelman_rubin  # noqa: E402
from numpyro.infer import MCMC, NUTS  # noqa: E402

CHAINS = 4
WARMUP = 3000
DRAWS_PER_CHAIN = 2500
# Every k-th draw kept: the hierarchical scales of Seeds (log τ) and Brownian (the two noise
# scales) mix slowly, and 2500 consecutive draws a chain gave them an ESS below 1000.
THINNING = {"seeds": 10, "brownian": 10}
LOG_2PI = float(np.log(2.0 * np.pi))


def table(name):
    with open(os.path.join("data", name)) as f:
        rows = list(csv.reader(f))
    return np.array([[float(v) for v in r] for r in rows[1:]])


def logistic(name, dim):
    """Sonar and Ionosphere: y = (label + 1) / 2, features centred and divided by their
    population std (a constant column stays as it is), a column of ones first, N(0, I)."""
    t = table(name)
    x, label = t[:, :-1], t[:, -1]
    mean, std = x.mean(axis=0), x.std(axis=0)
    std = np.where(std == 0.0, 1.0, std)
    x = np.hstack([np.ones((x.shape[0], 1)), (x - mean) / std])
    assert x.shape[1] == dim, x.shape
    y = (label + 1.0) / 2.0
    x, y = jnp.asarray(x), jnp.asarray(y)

    def log_density(w):
        logits = x @ w
        likelihood = jnp.sum(y * jax.nn.log_sigmoid(logits) + (1.0 - y) * jax.nn.log_sigmoid(-logits))
        prior = -0.5 * jnp.sum(w**2) - 0.5 * dim * LOG_2PI
        return likelihood + prior

    return log_density, jnp.zeros(dim)


def seeds():
    """z = (a0, a1, a12, a2, b1..b21, log τ): r_j ~ Binomial(n_j, sigmoid(a0 + a1 x1 + a2 x2 +
    a12 x1 x2 + b_j)), a ~ N(0, 10²), b_j ~ N(0, 1/τ), τ ~ Gamma(0.01, rate 0.01), with the
    Jacobian of log τ."""
    t = table("seeds.csv")
    r, n, x1, x2 = (jnp.asarray(t[:, k]) for k in (1, 2, 3, 4))
    log_binomial = jnp.sum(gammaln(n + 1) - gammaln(r + 1) - gammaln(n - r + 1))
    shape, rate = 0.01, 0.01

    def log_density(z):
        a0, a1, a12, a2 = z[0], z[1], z[2], z[3]
        b, log_tau = z[4:25], z[25]
        tau = jnp.exp(log_tau)
        eta = a0 + a1 * x1 + a2 * x2 + a12 * x1 * x2 + b
        likelihood = log_binomial + jnp.sum(r * jax.nn.log_sigmoid(eta) + (n - r) * jax.nn.log_sigmoid(-eta))
        fixed = jnp.sum(-0.5 * z[:4] ** 2 / 100.0 - 0.5 * (jnp.log(100.0) + LOG_2PI))
        random = jnp.sum(-0.5 * tau * b**2) + 0.5 * 21 * log_tau - 0.5 * 21 * LOG_2PI
        gamma = shape * jnp.log(rate) - gammaln(shape) + (shape - 1.0) * log_tau - rate * tau
        return likelihood + fixed + random + gamma + log_tau

    return log_density, jnp.zeros(26)


def brownian():
    """z = (z_inn, z_obs, x_0..x_29): scales softplus(z) with LogNormal(0, 2) priors and the
    softplus Jacobian, x_t ~ N(x_{t-1}, s_inn²) from x_{-1} = 0, y_t ~ N(x_t, s_obs²) where
    observed."""
    t = table("brownian_observations.csv")
    observed = jnp.asarray(t[:, 0].astype(int))
    y = jnp.asarray(t[:, 1])

    def log_density(z):
        s = jax.nn.softplus(z[:2])
        log_s = jnp.log(s)
        prior = jnp.sum(-log_s - 0.5 * log_s**2 / 4.0 - jnp.log(2.0) - 0.5 * LOG_2PI + jax.nn.log_sigmoid(z[:2]))
        x = z[2:]
        steps = jnp.diff(jnp.concatenate([jnp.zeros(1), x]))
        walk = jnp.sum(-0.5 * steps**2 / s[0] ** 2) - 30 * log_s[0] - 15 * LOG_2PI
        resid = y - x[observed]
        obs = jnp.sum(-0.5 * resid**2 / s[1] ** 2) - resid.shape[0] * (log_s[1] + 0.5 * LOG_2PI)
        return prior + walk + obs

    start = jnp.concatenate([jnp.full(2, float(np.log(np.expm1(0.1)))), jnp.zeros(30)])
    return log_density, start


MODELS = {
    "seeds": seeds,
    "sonar": lambda: logistic("sonar.csv", 61),
    "ionosphere": lambda: logistic("ionosphere.csv", 35),
    "brownian": brownian,
}


def path(name):
    return os.path.join("data", f"{name}_gt_samples.csv.gz")


def sample(name):
    log_density, start = MODELS[name]()
    kernel = NUTS(potential_fn=lambda z: -log_density(z), target_accept_prob=0.9)
    mcmc = MCMC(
        kernel,
        num_warmup=WARMUP,
        num_samples=DRAWS_PER_CHAIN * THINNING.get(name, 1),
        thinning=THINNING.get(name, 1),
        num_chains=CHAINS,
        chain_method="parallel",
        progress_bar=False,
    )
    key = jax.random.PRNGKey(20261207)
    began = time.time()
    init = start + 0.01 * jax.random.normal(jax.random.PRNGKey(1), (CHAINS, start.shape[0]))
    mcmc.run(key, init_params=init, extra_fields=("diverging",))
    draws = np.asarray(mcmc.get_samples(group_by_chain=True))
    seconds = time.time() - began
    divergences = int(np.sum(mcmc.get_extra_fields()["diverging"]))
    rhat = np.asarray(split_gelman_rubin(draws))
    ess = np.asarray(effective_sample_size(draws))
    flat = draws.reshape(-1, draws.shape[-1])
    with gzip.open(path(name), "wt", compresslevel=9) as f:
        f.write(",".join(f"z{k}" for k in range(flat.shape[1])) + "\n")
        for row in flat:
            f.write(",".join(f"{v:.6g}" for v in row) + "\n")
    line = (
        f"| {name} | {flat.shape[1]} | {CHAINS} | {WARMUP} | {DRAWS_PER_CHAIN} × {THINNING.get(name, 1)} | {flat.shape[0]} | "
        f"{rhat.max():.4f} | {ess.min():.0f} | {np.median(ess):.0f} | {divergences} | {seconds:.0f} s |"
    )
    print(line, flush=True)


def check(name, count=200):
    """The JAX log density and bridgelab's at `count` of the draws must agree."""
    log_density, _ = MODELS[name]()
    with gzip.open(path(name), "rt") as f:
        rows = list(csv.reader(f))[1 : count + 1]
    points = np.array([[float(v) for v in r] for r in rows])
    ours = np.array([float(log_density(jnp.asarray(p))) for p in points])
    csv_path = f"/tmp/reference-check-{name}.csv"
    np.savetxt(csv_path, points, delimiter=",", fmt="%.9g")
    out = subprocess.run(
        ["target/release/bridgelab", "density", name, csv_path], capture_output=True, text=True, check=True
    )
    theirs = np.array([float(v) for v in out.stdout.split()])
    gap = np.max(np.abs(ours - theirs) / np.maximum(1.0, np.abs(ours)))
    print(f"{name}: {len(points)} draws, largest relative gap between JAX and bridgelab {gap:.2e}")
    if gap > 1e-4:
        sys.exit(f"{name}: the two implementations disagree")


if __name__ == "__main__":
    verb, names = sys.argv[1], sys.argv[2:]
    for n in names:
        {"sample": sample, "check": check}[verb](n)

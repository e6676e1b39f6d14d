"""Sets the paper code's runs (JSON lines written by run_paper_code.py) beside bridgelab's
(run directories written by `bridgelab train`) under both reportings, as docs/crosscheck.md
describes:

    python tools/crosscheck/compare.py --config NAME --bayesian|--mixture \
        --paper runs/paper/NAME.jsonl --ours runs/ours/NAME-seed0 runs/ours/NAME-seed1 ...

For each metric it prints the mean ± standard error over seeds on both sides, the difference
and whether it exceeds two standard errors of the difference. The paper's reporting takes, per
run, the per-epoch training means (best ELBO and worst log Ẑ over all epochs for a posterior,
the last epoch for a mixture) and the final evaluation's Sinkhorn; the final reporting takes
the final evaluation on fresh samples.
"""

import argparse
import csv
import json
import math
import os


def paper_runs(path):
    """One dict per run of the file: its epoch curves and its last evaluation."""
    runs = []
    with open(path) as f:
        for line in f:
            entry = json.loads(line)
            m = entry["metrics"]
            if "Network/num_params" in m:
                runs.append({"free_energy": [], "log_z": [], "eval": {}})
                continue
            if not runs:
                continue
            run = runs[-1]
            if "Free_Energy_at_T=1" in m and "log_Z_at_T=1" in m:
                run["free_energy"].append(float(m["Free_Energy_at_T=1"]))
                run["log_z"].append(float(m["log_Z_at_T=1"]))
            if any(k.startswith("eval_eval/") for k in m):
                run["eval"] = {k[len("eval_eval/") :]: float(v) for k, v in m.items() if k.startswith("eval_eval/")}
    return runs


def nanmin(values):
    finite = [v for v in values if not math.isnan(v)]
    return min(finite) if finite else float("nan")


def paper_figures(runs, bayesian):
    out = []
    for r in runs:
        if bayesian:
            elbo, log_z = -nanmin(r["free_energy"]), nanmin(r["log_z"])
        else:
            elbo, log_z = -r["free_energy"][-1], r["log_z"][-1]
        out.append(
            {
                "paper ELBO": elbo,
                "paper log Ẑ": log_z,
                "final ELBO": r["eval"].get("ELBO_at_T=1", float("nan")),
                "final log Ẑ": r["eval"].get("log_Z_at_T=1", float("nan")),
                "Sinkhorn": r["eval"].get("sinkhorn_divergence", float("nan")),
                "epochs": len(r["free_energy"]),
            }
        )
    return out


def our_figures(dirs, bayesian):
    out = []
    for d in dirs:
        epochs = []
        with open(os.path.join(d, "metrics.csv")) as f:
            for row in csv.DictReader(f):
                if row["epoch_elbo"]:
                    epochs.append((float(row["epoch_elbo"]), float(row["epoch_log_z_hat"])))
        with open(os.path.join(d, "eval.json")) as f:
            ev = json.load(f)
        if bayesian:
            elbo = -nanmin([-e for e, _ in epochs])
            log_z = nanmin([z for _, z in epochs])
        else:
            elbo, log_z = epochs[-1]
        sinkhorn = ev["sinkhorn"]["value"] if ev.get("sinkhorn") else float("nan")
        out.append(
            {
                "paper ELBO": elbo,
                "paper log Ẑ": log_z,
                "final ELBO": ev["weights"]["elbo"],
                "final log Ẑ": ev["weights"]["log_z_hat"],
                "Sinkhorn": float(sinkhorn),
                "epochs": len(epochs),
            }
        )
    return out


def mean_se(values):
    values = [v for v in values if not math.isnan(v)]
    n = len(values)
    if n == 0:
        return float("nan"), float("nan"), 0
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan"), n
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n), n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    kind = p.add_mutually_exclusive_group(required=True)
    kind.add_argument("--bayesian", action="store_true")
    kind.add_argument("--mixture", action="store_true")
    p.add_argument("--paper", required=True)
    p.add_argument("--ours", nargs="+", required=True)
    p.add_argument("--json", help="also write the rows to this file")
    a = p.parse_args()
    theirs = paper_figures(paper_runs(a.paper), a.bayesian)
    ours = our_figures(a.ours, a.bayesian)
    rows = []
    print(f"### {a.config} ({len(theirs)} runs of the paper's code, {len(ours)} of bridgelab; epochs {theirs[0]['epochs'] if theirs else 0} and {ours[0]['epochs'] if ours else 0})")
    print("| metric | paper's code | bridgelab | difference | 2 SE of the difference | beyond? |")
    print("|---|---:|---:|---:|---:|---|")
    for metric in ["paper ELBO", "paper log Ẑ", "final ELBO", "final log Ẑ", "Sinkhorn"]:
        (m1, s1, n1), (m2, s2, n2) = mean_se([r[metric] for r in theirs]), mean_se([r[metric] for r in ours])
        if n1 == 0 and n2 == 0:
            continue
        diff = m2 - m1
        se = math.sqrt(s1**2 + s2**2)
        beyond = "yes" if abs(diff) > 2 * se else "no"
        print(f"| {metric} | {m1:.3f} ± {s1:.3f} | {m2:.3f} ± {s2:.3f} | {diff:+.3f} | {2 * se:.3f} | {beyond} |")
        rows.append({"metric": metric, "paper": [m1, s1, n1], "ours": [m2, s2, n2], "difference": diff, "two_se": 2 * se})
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"config": a.config, "rows": rows, "paper_runs": theirs, "our_runs": ours}, f, indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# The cross-check of docs/crosscheck.md: the paper's code and bridgelab on the same settings,
# three configurations × {rKL-LD with learned σ, LV with frozen σ} × 3 seeds, then the tables.
#
#   tools/crosscheck/run.sh PAPER_CODE PYTHON OUT
#
# PAPER_CODE: a checkout of sebaleh87/dds_optim at 3737faf; PYTHON: the interpreter of a
# virtual environment with the packages of tools/crosscheck/requirements.txt; OUT: a directory
# for the logs, runs and tables. Each step is skipped when its output exists, so the script
# can be run again after an interruption.
set -euo pipefail
paper_code=$(cd "$1" && pwd); python=$2; out=$3
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
bridgelab=${BRIDGELAB:-$root/target/release/bridgelab}
presets=$root/docs/crosscheck/presets
mkdir -p "$out/paper" "$out/ours" "$out/presets"
seeds=(0 1 2)

# name, paper energy options, paper network options, learning rate, interpolation rate,
# β_max, sigma_init, evaluation samples, kind of target
configs=(
  "xc_seeds_cmcd|--Energy_Config Seeds|--Bridge_Type CMCD --base_net Vanilla|0.005|0.001|0.1|0.5|2000|bayesian"
  "xc_gmm40_d2_dbs|--Energy_Config GMMDistrax --n_particles 2|--Bridge_Type DBS --base_net PISgradnet|0.001|0.0|1.0|30.|4000|mixture"
  "xc_gmm40_d2_cmcd|--Energy_Config GMMDistrax --n_particles 2|--Bridge_Type CMCD --base_net PISgradnet|0.001|0.001|1.0|30.|4000|mixture"
)
for config in "${configs[@]}"; do
  IFS='|' read -r name energy network lr interp beta sigma samples kind <<<"$config"
  for variant in "rklld_learned|Bridge_rKL_logderiv|" "lv_frozen|Bridge_LogVarLoss|--learn_SDE_params_mode prior_only"; do
    IFS='|' read -r suffix loss mode <<<"$variant"
    run=${name}_${suffix}
    log=$out/paper/$run.jsonl
    if [ ! -s "$out/paper/$run.done" ]; then
      rm -f "$log"
      echo "== the paper's code: $run"
      # shellcheck disable=SC2086
      "$python" "$here/run_paper_code.py" --paper-code "$paper_code" --log "$log" -- \
        --SDE_Loss "$loss" $energy --n_integration_steps 32 --T_start 1. --T_end 1. \
        --batch_size 256 --lr "$lr" --SDE_lr "$lr" --Interpol_lr "$interp" --N_anneal 100 \
        --feature_dim 64 --n_hidden 64 --beta_max "$beta" --beta_min 0.01 --use_interpol_gradient \
        --Network_Type FeedForward --use_normal --SDE_Type Bridge_SDE --sigma_init "$sigma" \
        --model_seeds "${seeds[@]}" --sample_seed "${seeds[@]}" $network $mode \
        --epochs_per_eval 1 --n_eval_samples "$samples" > "$out/paper/$run.out" 2>&1
      date > "$out/paper/$run.done"
    fi
    dirs=()
    for seed in "${seeds[@]}"; do
      dir=$out/ours/$run-seed$seed
      dirs+=("$dir")
      [ -s "$dir/eval.json" ] && continue
      echo "== bridgelab: $run seed $seed"
      # Seed i trains on mixture instance i, as the paper's seed-i runs do.
      sed "s/constants_seed: 0/constants_seed: $seed/" "$presets/$run.ron" > "$out/presets/$run-seed$seed.ron"
      "$bridgelab" train "$out/presets/$run-seed$seed.ron" --seed "$seed" --out "$dir" --report paper \
        > "$dir.out" 2>&1
    done
    "$python" "$here/compare.py" --config "$run" "--$kind" --paper "$log" --ours "${dirs[@]}" \
      --json "$out/$run.json" | tee "$out/$run.md"
  done
done

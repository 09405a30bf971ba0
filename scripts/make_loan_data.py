"""Generate data/loan_default.csv.gz: a synthetic loan book in the spirit of LendingClub's.

Run ``python scripts/make_loan_data.py`` (seeded: the same file every time).
Every applicant is invented; the relations between columns are chosen so the
course's project steps have something to find (see data/LOAN_DATA_CARD.md).
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "loan_default.csv.gz"

GRADES = np.array(list("ABCDEFG"))
HOME = np.array(["MORTGAGE", "RENT", "OWN", "OTHER"])
PURPOSES = np.array(["debt_consolidation", "credit_card", "home_improvement", "other", "major_purchase",
                     "small_business", "car", "medical", "moving", "vacation", "house", "wedding"])
ZIPS = np.array(["05113", "00813", "29597", "11650", "22690", "30723", "48052", "70466", "86630", "93700"])
EMP = np.array(["< 1 year", "1 year", "2 years", "3 years", "4 years", "5 years", "6 years", "7 years",
                "8 years", "9 years", "10+ years"])
MONTHS = np.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])


def generate(n: int = 20_000, seed: int = 101) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    grade_idx = rng.choice(7, n, p=[0.17, 0.29, 0.27, 0.16, 0.07, 0.03, 0.01])
    term = np.where(rng.random(n) < 0.24 + 0.06 * grade_idx, " 60 months", " 36 months")
    int_rate = np.round(6.0 + 3.2 * grade_idx + rng.normal(0, 1.1, n), 2).clip(5.3, 30.9)
    loan_amnt = np.round(rng.gamma(2.2, 6500, n) / 25) * 25
    loan_amnt = loan_amnt.clip(500, 40_000)
    months = np.where(term == " 60 months", 60, 36)
    r = int_rate / 1200
    installment = np.round(loan_amnt * r / (1 - (1 + r) ** -months), 2)
    annual_inc = np.round(np.exp(rng.normal(11.1, 0.5, n)), -2).clip(8_000, 900_000)
    dti = np.round((installment * 12 / annual_inc * 100 * 1.6 + rng.gamma(3, 4.5, n)).clip(0, 60), 2)
    total_acc = rng.poisson(24, n).clip(2, 90)
    open_acc = np.minimum(rng.binomial(total_acc, 0.45), total_acc).clip(1, None)
    # mort_acc grows with total_acc: the course fills its gaps from total_acc's group means.
    home = HOME[rng.choice(4, n, p=[0.50, 0.40, 0.095, 0.005])]
    mort_acc = rng.poisson(np.where(home == "MORTGAGE", 0.09, 0.03) * total_acc)
    pub_rec = rng.poisson(0.18, n)
    pub_rec_bankruptcies = np.minimum(pub_rec, rng.poisson(0.12, n))
    revol_bal = np.round(rng.gamma(1.6, 10_000, n))
    revol_util = np.round((revol_bal / (revol_bal + rng.gamma(2.0, 9_000, n)) * 100), 1)
    year = rng.integers(1965, 2013, n)
    earliest = np.char.add(np.char.add(MONTHS[rng.integers(0, 12, n)], "-"), year.astype(str))
    purpose = PURPOSES[rng.choice(len(PURPOSES), n, p=[.59, .21, .06, .05, .02, .02, .015, .012, .008, .006,
                                                        .005, .004])]
    zip_code = ZIPS[rng.integers(0, len(ZIPS), n)]
    emp_length = EMP[rng.integers(0, len(EMP), n)].astype(object)

    # Who defaults: grade and rate dominate, with debt load, term, history and two risky zip codes.
    logit = (-2.9 + 0.42 * grade_idx + 0.05 * (int_rate - 13) + 0.025 * (dti - 17)
             + 0.35 * (term == " 60 months") - 0.12 * (home == "MORTGAGE") + 0.2 * (pub_rec > 0)
             - 0.25 * (np.log(annual_inc) - 11.1) + 0.006 * (revol_util - 50) - 0.005 * (year - 1998)
             + 0.3 * (purpose == "small_business") + 1.2 * np.isin(zip_code, ["11650", "86630"])
             - 0.07 * mort_acc + rng.normal(0, 0.35, n))
    charged_off = rng.random(n) < 1 / (1 + np.exp(-logit))
    loan_status = np.where(charged_off, "Charged Off", "Fully Paid")

    frame = pd.DataFrame({
        "loan_amnt": loan_amnt, "term": term, "int_rate": int_rate, "installment": installment,
        "grade": GRADES[grade_idx], "emp_length": emp_length, "home_ownership": home, "annual_inc": annual_inc,
        "purpose": purpose, "dti": dti, "earliest_cr_line": earliest, "open_acc": open_acc, "pub_rec": pub_rec,
        "revol_bal": revol_bal, "revol_util": revol_util, "total_acc": total_acc, "mort_acc": mort_acc.astype(float),
        "pub_rec_bankruptcies": pub_rec_bankruptcies.astype(float), "zip_code": zip_code, "loan_status": loan_status,
    })
    # Missing values as in the real file: emp_length ~5 %, mort_acc ~10 %, revol_util and bankruptcies rarely.
    for column, fraction in (("emp_length", 0.05), ("mort_acc", 0.10), ("revol_util", 0.007),
                             ("pub_rec_bankruptcies", 0.0015)):
        frame.loc[rng.random(n) < fraction, column] = np.nan
    return frame


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=101)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    frame = generate(args.rows, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # No file name and mtime=0 keep the gzip bytes identical from run to run.
    with open(args.out, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        f.write(frame.to_csv(index=False).encode())
    share = (frame.loan_status == "Charged Off").mean()
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(frame)} rows, {share:.1%} charged off)")


if __name__ == "__main__":
    main()

"""Split the insurance data (a SageMaker processing script: it reads and writes /opt/ml).

Writes ``train/train.csv`` and ``test/test.csv`` (with a header, target ``charges``) and
``batch/batch.csv`` (the test rows without the target and header, for batch transform).
"""

import argparse
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--test-size", type=float, default=0.2)
parser.add_argument("--seed", type=int, default=0)
# SageMaker's paths; sabio passes each job's real folders for them (see docs/processing.md).
for name in ("input", "train", "test", "batch"):
    parser.add_argument(f"--{name}", type=Path, default=Path(f"/opt/ml/processing/{name}"))
args = parser.parse_args()

frame = pd.read_csv(next(args.input.glob("*.csv")))
train, test = train_test_split(frame, test_size=args.test_size, random_state=args.seed)
for folder, part in ((args.train, train), (args.test, test)):
    folder.mkdir(parents=True, exist_ok=True)
    part.to_csv(folder / f"{folder.name}.csv", index=False)
args.batch.mkdir(parents=True, exist_ok=True)
test.drop(columns="charges").to_csv(args.batch / "batch.csv", index=False, header=False)
print(f"train {len(train)} rows, test {len(test)} rows")

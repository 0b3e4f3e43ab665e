#!/bin/bash
# The lab sheet's original approach (seed/tp2-alb-asg.md, item 6), for the boot benchmark
# only: install Python's venv and pip, create a virtual environment, pip install FastAPI and
# Uvicorn, write main.py, start Uvicorn on 0.0.0.0:8000. The same routes and messages as
# the webapp. The instance has no internet, so the packages come from a local cache baked
# into the image by scripts/build-instance-image.sh: the .debs stand for the sheet's
# `yum install python3-pip`, the wheels for PyPI. The instance id comes from IMDSv2, as
# the webapp's does.
set -euo pipefail
dpkg -i /opt/lab-cache/debs/*.deb >/dev/null
mkdir -p /opt/app
python3 -m venv /opt/app/venv
/opt/app/venv/bin/pip install --quiet --no-index --find-links /opt/lab-cache/wheels fastapi uvicorn
cat > /opt/app/main.py <<'PY'
import urllib.request

from fastapi import FastAPI

IMDS = "http://169.254.169.254/latest"


def instance_id():
    try:
        put = urllib.request.Request(
            IMDS + "/api/token",
            method="PUT",
            headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"},
        )
        token = urllib.request.urlopen(put, timeout=2).read().decode()
        get = urllib.request.Request(
            IMDS + "/meta-data/instance-id",
            headers={"X-aws-ec2-metadata-token": token},
        )
        return urllib.request.urlopen(get, timeout=2).read().decode()
    except OSError:
        return "unknown"


INSTANCE_ID = instance_id()
app = FastAPI()


@app.get("/")
def root():
    return {"message": f"Welcome! This is instance {INSTANCE_ID}.", "instance_id": INSTANCE_ID}


@app.get("/hello/{name}")
def hello(name: str):
    return {"message": f"Hello {name} from instance {INSTANCE_ID}!"}


@app.get("/bonjour/{name}")
def bonjour(name: str):
    return {"message": f"Bonjour {name} from instance {INSTANCE_ID}!"}


@app.get("/salama/{name}")
def salama(name: str):
    return {"message": f"Salama {name} from instance {INSTANCE_ID}!"}
PY
cd /opt/app
nohup /opt/app/venv/bin/uvicorn main:app --host 0.0.0.0 --port 8000 >/var/log/uvicorn.log 2>&1 &

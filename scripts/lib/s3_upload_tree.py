#!/usr/bin/env python3
"""Uploads a folder to an S3 bucket as `lifeboat` lays objects out, fast (a thread pool, one client): each
`latest.json` goes up with its signature (the `latest.json.sig` beside it, base64) in the user metadata
field `lifeboat-signature`, as `lifeboat` writes it; every other file as it is.

    s3_upload_tree.py ENDPOINT BUCKET PREFIX DIR

Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)."""
import base64
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main():
    endpoint, bucket, prefix, root = sys.argv[1:5]
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(max_pool_connections=32))
    files = []
    for folder, _, names in os.walk(root):
        files += [os.path.join(folder, n) for n in names]

    def put(path):
        key = prefix + os.path.relpath(path, root)
        extra = {}
        if path.endswith("/latest.json") and os.path.exists(path + ".sig"):
            with open(path + ".sig", "rb") as f:
                extra["Metadata"] = {"lifeboat-signature": base64.b64encode(f.read()).decode()}
        with open(path, "rb") as f:
            s3.put_object(Bucket=bucket, Key=key, Body=f.read(), **extra)

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(put, files))
    print(len(files))


if __name__ == "__main__":
    main()

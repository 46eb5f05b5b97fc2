"""Drives the server's /v1/images/generations with the official openai client, as an existing
application would (used by OpenAiImagesTest). Prints one JSON line: the images it got, and what
the client raised for a size the model does not draw.

    python openai_images.py BASE_URL API_KEY PROMPT N SEED
"""

import json
import sys

import openai


def main() -> int:
    base_url, api_key, prompt, n, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=600)
    result = client.images.generate(model="unidiff", prompt=prompt, n=n, size="64x64",
                                    response_format="b64_json", extra_body={"seed": seed, "steps": 3})
    out = {"created": result.created, "images": [d.b64_json for d in result.data]}
    try:
        client.images.generate(prompt=prompt, size="1024x1024", response_format="b64_json")
        out["bad_size"] = "accepted"
    except openai.BadRequestError as e:
        out["bad_size"] = {"status": e.status_code, "param": e.body.get("param") if isinstance(e.body, dict) else None,
                           "message": str(e)}
    try:
        openai.OpenAI(base_url=base_url, api_key="wrong", max_retries=0).images.generate(prompt=prompt)
        out["wrong_key"] = "accepted"
    except openai.AuthenticationError as e:
        out["wrong_key"] = {"status": e.status_code}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Boot-test harness only: point every AWS CLI call at the emulator relay on 127.0.0.1:4566.

The relay listens on the instance's own loopback (its network namespace) and forwards to the
emulator the test started on the host's loopback. An explicit --endpoint-url still wins.
"""

ENDPOINT = "http://127.0.0.1:4566"


def awscli_initialize(cli):
    cli.register("top-level-args-parsed", _set_endpoint)


def _set_endpoint(parsed_args, **kwargs):
    if getattr(parsed_args, "endpoint_url", None) is None:
        parsed_args.endpoint_url = ENDPOINT

"""Interrupt and restart through jupyter_client while a cell trains, on fdfa's kernel.

Prints one line per check ("ok: ..."); any failure raises, so the exit status is non-zero.
"""
import sys
import time

from jupyter_client.manager import start_new_kernel
from jupyter_client.utils import run_sync

TIMEOUT = 60
TRAIN = (
    'data = load("synthetic", shape=[16], classes=4, train=512, test=64)\n'
    'net = fc(data, [32])\n'
    'configure net, rule="BP", lr=1e-3\n'
    "train(net, data, epochs=100000, batch=16)"
)


def run_until_output(kc, code):
    """Sends code and returns (msg_id, the first stream text it prints) while it is still running."""
    msg_id = kc.execute(code)
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            return msg_id, msg["content"]["text"]
    raise AssertionError("no output while training")


def reply_and_outputs(kc, msg_id):
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:  # e.g. wait_for_ready's spare kernel_info replies
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply["content"], outputs
        outputs.append(msg)


def value_of(kc, code):
    msg_id = kc.execute(code)
    content, outputs = reply_and_outputs(kc, msg_id)
    assert content["status"] == "ok", content
    results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    assert len(results) == 1, outputs
    return results[0]


def check_interrupted(kc, msg_id, how):
    content, outputs = reply_and_outputs(kc, msg_id)
    assert content["status"] == "error" and content["ename"] == "Interrupted", content
    text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
    assert "the network keeps them" in text, text
    steps = int(value_of(kc, "net.steps"))
    assert steps > 0, steps
    print(f"ok: {how} stopped train after {steps} steps, which the network keeps", flush=True)
    return steps


def main():
    km, kc = start_new_kernel(kernel_name="fdfa")
    try:
        # Signal mode (the kernelspec's interrupt_mode): jupyter_client sends SIGINT.
        msg_id, first = run_until_output(kc, TRAIN)
        print(f"ok: train printed {first.strip()!r} while running", flush=True)
        km.interrupt_kernel()
        steps = check_interrupted(kc, msg_id, "SIGINT")

        # interrupt_request on the control channel.
        msg_id, _ = run_until_output(kc, "train(net, data, epochs=100000, batch=16)")
        request = kc.session.msg("interrupt_request", {})
        kc.control_channel.send(request)
        control_reply = run_sync(kc.control_channel.get_msg)(timeout=TIMEOUT)
        assert control_reply["msg_type"] == "interrupt_reply" and control_reply["content"]["status"] == "ok", control_reply
        more = check_interrupted(kc, msg_id, "interrupt_request")
        assert more > steps, (more, steps)

        # Restart mid-train: the kernel must end by itself (interrupting the cell), well before
        # jupyter_client would kill it.
        km.shutdown_wait_time = 30
        run_until_output(kc, "train(net, data, epochs=100000, batch=16)")
        start = time.time()
        km.restart_kernel(now=False)
        took = time.time() - start
        assert took < 20, f"restart took {took:.1f} s: the kernel did not stop by itself"
        kc.wait_for_ready(timeout=TIMEOUT)
        msg_id = kc.execute("net")
        content, outputs = reply_and_outputs(kc, msg_id)
        assert content["status"] == "error" and "unknown variable 'net'" in content["evalue"], content
        assert value_of(kc, "1 + 1") == "2"
        print(f"ok: restart mid-train took {took:.1f} s and gave a fresh session")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
    sys.exit(0)

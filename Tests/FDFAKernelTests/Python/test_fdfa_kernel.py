"""The Jupyter project's kernel conformance suite (jupyter_kernel_test), run on fdfa's kernel.

Needs the kernelspec on Jupyter's path: the Swift test JupyterConformanceTests installs it into a
temporary prefix with `fdfa kernel install --prefix` and runs this with JUPYTER_PATH pointing there.
"""
import subprocess
import unittest
from queue import Empty

import jupyter_kernel_test
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.session import Session


class FDFAKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "fdfa"
    language_name = "fdfa"
    file_extension = ".fdfa"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'warn("a warning")'

    completion_samples = [
        {"text": "zer", "matches": {"zeros"}},
        {"text": "train(net, ep", "matches": {"epochs="}},
        {"text": "x = pri", "matches": {"print"}},
    ]

    complete_code_samples = ["x = 1", "fn f(a) {\n  return a + 1\n}", "for i in 1..3 { print(i) }", "xs = [1,\n 2]"]
    incomplete_code_samples = ["fn f(a) {", "xs = [1, 2,", "if true {\n  print(1)", "y = 3 +"]
    invalid_code_samples = ["x = )", "1 + * 2", "fn (a) }"]

    code_generate_error = "y = undefined_name + 1"

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "[1, 2.5, \"a\"]", "result": '[1, 2.5, "a"]'},
        {"code": "{loss: 0.25, count: 4}", "mime": "text/html"},
        {"code": 'data = load("synthetic", shape=[8], classes=3, train=32, test=8)\nalign(fc(data, [16]), batch(data, 16))',
         "mime": "text/html"},
    ]

    code_display_data = [
        {"code": "plot([1, 4, 9, 16])", "mime": "image/svg+xml"},
        {"code": "plot({loss: [3, 2, 1]})", "mime": "text/plain"},
        {"code": "info(fc(8, [16], 3))", "mime": "text/html"},
    ]

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "zeros"
    code_page_something = "help zeros"

    # Beyond the suite: an error reads as the REPL prints it (place, source line, caret), and the
    # session keeps its state.
    def test_errors_read_as_in_the_repl_and_keep_the_session(self):
        self.flush_channels()
        self.execute_helper("kept = 5")
        self.flush_channels()
        code = "kept = kept + undefined_name"
        reply, outputs = self.execute_helper(code)
        count = reply["content"]["execution_count"]
        fdfa = KernelSpecManager().get_kernel_spec("fdfa").argv[0]
        repl = subprocess.run([fdfa, "repl"], input="kept = 5\n" + code + "\n", capture_output=True, text=True, timeout=60)
        expected = repl.stderr.strip().replace("<repl>", f"<cell {count}>").split("\n")
        self.assertEqual(len(expected), 3, repl.stderr)
        self.assertEqual(reply["content"]["traceback"], expected)
        self.assertEqual(outputs[0]["content"]["traceback"], expected)
        self.flush_channels()
        reply, outputs = self.execute_helper("kept")
        self.assertEqual(outputs[-1]["content"]["data"]["text/plain"], "5")

    # Beyond the suite: help (here as zeros?) opens the pager, as IPython's ? does, with the text the
    # REPL prints, and adds nothing to the cell's outputs.
    def test_help_opens_the_pager_with_the_repls_text(self):
        self.flush_channels()
        reply, outputs = self.execute_helper("zeros?")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["msg_type"] for m in outputs], [])
        fdfa = KernelSpecManager().get_kernel_spec("fdfa").argv[0]
        repl = subprocess.run([fdfa, "repl"], input="help zeros\n", capture_output=True, text=True, timeout=60)
        self.assertIn("A tensor of zeros", repl.stdout)
        self.assertEqual(reply["content"]["payload"], [{"source": "page", "data": {"text/plain": repl.stdout}, "start": 0}])

    # Beyond the suite: many printed lines arrive gathered into a few stream messages, in order,
    # stdout and stderr each in its place.
    def test_printed_lines_arrive_gathered_and_in_order(self):
        self.flush_channels()
        reply, outputs = self.execute_helper('for i in 0..<10000 { print(i) }\nwarn("between")\nprint("after")')
        self.assertEqual(reply["content"]["status"], "ok")
        streams = [m["content"] for m in outputs if m["msg_type"] == "stream"]
        self.assertEqual("".join(c["text"] for c in streams if c["name"] == "stdout"),
                         "".join(f"{i}\n" for i in range(10000)) + "after\n")
        self.assertEqual(streams[-2:], [{"name": "stderr", "text": "between\n"}, {"name": "stdout", "text": "after\n"}])
        self.assertLess(len(streams), 200, "a stream message per printed line")

    # Beyond the suite: training shows its progress as one display updated in place, beside the
    # epoch lines on stdout.
    def test_training_progress_is_one_updating_display(self):
        self.flush_channels()
        code = (
            'data = load("synthetic", shape=[8], classes=3, train=256, test=32)\n'
            'net = fc(data, [16])\n'
            'configure net, rule="BP"\n'
            "train(net, data, epochs=3, batch=16)"
        )
        reply, outputs = self.execute_helper(code)
        self.assertEqual(reply["content"]["status"], "ok")
        shown = [m for m in outputs if m["msg_type"] == "display_data"]
        updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1, outputs)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertGreaterEqual(len(updates), 3, outputs)
        self.assertTrue(all(m["content"]["transient"]["display_id"] == display_id for m in updates))
        self.assertIn("16/16", updates[-1]["content"]["data"]["text/plain"])
        text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertEqual(text.count("mean loss"), 3, text)

    # Beyond the suite: as in Run All, cells queued behind a failing cell are aborted, not run (the
    # failing cell's loop gives the later requests time to arrive).
    def test_cells_queued_behind_an_error_are_aborted(self):
        self.flush_channels()
        codes = ["for i in 1..100000 { s = i }\nnot_defined", "after = 1", "after = 2"]
        ids = [self.kc.execute(code) for code in codes]
        replies = {}
        while len(replies) < len(ids):
            reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
            replies[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        self.assertEqual([replies[i] for i in ids], ["error", "aborted", "aborted"])
        self.flush_channels()
        reply, _ = self.execute_helper("after")
        self.assertIn("unknown variable 'after'", reply["content"]["evalue"])

    # Beyond the suite: a request signed with another key runs nothing and gets no reply.
    def test_wrongly_signed_requests_are_ignored(self):
        self.flush_channels()
        forged = Session(key=b"not the connection file's key")
        content = {"code": "forged = 1", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}
        forged.send(self.kc.shell_channel.socket, "execute_request", content)
        with self.assertRaises(Empty):
            self.kc.get_shell_msg(timeout=1)
        reply, outputs = self.execute_helper("forged")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("unknown variable 'forged'", reply["content"]["evalue"])


if __name__ == "__main__":
    unittest.main()

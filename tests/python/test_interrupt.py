"""Ctrl-C during Module.fit raises KeyboardInterrupt promptly, and the process can go on."""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def test_sigint_during_fit_raises_keyboard_interrupt_and_leaves_the_process_usable():
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "interrupt_worker.py")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "training"
        time.sleep(0.5)
        sent = time.time()
        proc.send_signal(signal.SIGINT)
        line = proc.stdout.readline()
        latency = time.time() - sent
        assert line.startswith("interrupted after"), line + proc.stderr.read()
        assert latency < 2.0, latency
        rest, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert rest.startswith("usable acc="), rest + err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

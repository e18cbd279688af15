package org.knng.engine;

/** Runs one task on several platform threads and rethrows the first failure in the caller. */
public final class Parallel {
  private Parallel() {}

  /**
   * Runs {@code task} on {@code threads} threads (the caller's thread being one of them) and waits
   * for all. The task is expected to claim work from a shared counter until none is left.
   *
   * @param threads number of threads, at least 1
   * @param task the work loop
   */
  public static void run(int threads, Runnable task) {
    if (threads <= 1) {
      task.run();
      return;
    }
    Throwable[] failure = new Throwable[1];
    Runnable guarded = () -> {
      try {
        task.run();
      } catch (Throwable e) {
        synchronized (failure) {
          if (failure[0] == null) {
            failure[0] = e;
          }
        }
      }
    };
    Thread[] workers = new Thread[threads - 1];
    for (int t = 0; t < workers.length; t++) {
      workers[t] = new Thread(guarded, "knng-worker-" + (t + 1));
      workers[t].setDaemon(true);
      workers[t].start();
    }
    guarded.run();
    boolean interrupted = false;
    for (Thread w : workers) {
      while (true) {
        try {
          w.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable f = failure[0];
    if (f instanceof RuntimeException) {
      throw (RuntimeException) f;
    }
    if (f instanceof Error) {
      throw (Error) f;
    }
  }
}

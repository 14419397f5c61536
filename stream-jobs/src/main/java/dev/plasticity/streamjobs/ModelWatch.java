package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.streamjobs.drift.ChangeDetector;
import dev.plasticity.streamjobs.drift.ChangeDetectorKind;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.DriftMonitor;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.Observation;
import dev.plasticity.streamjobs.drift.WarningDetector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a model's events, in event-time order, become drift triggers. Per model:
 *
 * <ul>
 *   <li>Events of a model with no champion yet are buffered (at most windowSize; each older event
 *       that falls out is refused with the reason) and become the start of the first window once a
 *       champion is known; then those whose label is not one of its classes are refused.
 *   <li>When the champion changes, the next event resets the window, the cooldown (attempts and
 *       backoff included), the concept detector, its warning and the cadence count.
 *   <li>A tumbling count window of windowSize events is assessed by the champion's {@link
 *       DriftMonitor} against its reference statistics; a window the monitor cannot assess (an
 *       exception on its events) has its events refused with the exception.
 *   <li><b>Concept detector.</b> When the model's settings name one, every event the served
 *       version predicted feeds its error (0 or 1) to it; an alarm becomes the monitor's {@link
 *       DriftMonitor#detectorAlarm CONCEPT verdict} on the window so far, without waiting for the
 *       window to fill. Window verdicts and alarms take the same way to a trigger: the {@link
 *       Cooldown} (which re-arms an unanswered trigger with a backoff and asks for new evidence),
 *       then {@link Triggers}.
 *   <li><b>Warning.</b> A detector with a warning level ({@link WarningDetector}), when the
 *       settings' {@code warnings} are on, sends one WARNING trigger (kind CONCEPT, the window so
 *       far) at the first warning of an episode outside a cooldown; it starts no cooldown. The
 *       episode ends when the detector leaves its warning zone or fires.
 *   <li><b>Cadence.</b> With {@code cadenceEvents} &gt; 0, every that many events of the monitored
 *       version a CADENCE trigger (kind CONCEPT, severity 0) carries the last window: the window
 *       just assessed when the cadence falls on a window's end, else the window so far. Drift or
 *       cooldown do not matter to it.
 *   <li>An event whose label is not a class of the champion ({@code [0, numClasses)}) is refused
 *       with the rule and the class count.
 * </ul>
 *
 * <p>The model's window, count, monitored version, cooldown, detector, warning and cadence count
 * live in a {@link State} (Flink keyed state in the job); what this class keeps itself (the
 * monitors and resolved settings per model version) is a cache rebuilt on demand. Not thread-safe:
 * one per subtask.
 */
final class ModelWatch {
  private static final Logger log = LoggerFactory.getLogger(ModelWatch.class);

  /** One model's state. Each method may throw what the state behind it throws. */
  interface State {
    /** The version whose window is being filled, or null before the first champion. */
    Integer monitoredVersion() throws Exception;

    void monitoredVersion(int version) throws Exception;

    /** Events in the window (0 when none). */
    int count() throws Exception;

    void count(int count) throws Exception;

    /** The window's events, oldest first. */
    List<ObservedEvent> window() throws Exception;

    void appendToWindow(List<ObservedEvent> events) throws Exception;

    void replaceWindow(List<ObservedEvent> events) throws Exception;

    void clearWindow() throws Exception;

    Cooldown cooldown() throws Exception;

    void cooldown(Cooldown cooldown) throws Exception;

    /** The concept detector fed so far, or null. */
    ChangeDetector detector() throws Exception;

    /** Keeps the detector; null clears it. */
    void detector(ChangeDetector detector) throws Exception;

    /** Whether the current warning episode has sent its WARNING trigger (false when none). */
    boolean warned() throws Exception;

    void warned(boolean sent) throws Exception;

    /** Events of the monitored version since it became champion or since the last cadence trigger. */
    long sinceCadence() throws Exception;

    void sinceCadence(long events) throws Exception;
  }

  /** What the watch found. */
  interface Outcomes {
    void triggered(DriftTrigger trigger);

    /** An event that will not be assessed, and why. */
    void refused(ObservedEvent event, String reason);

    void assessed(String model, DriftAssessment assessment);

    /** A window the monitor could not assess; its events are {@link #refused} too. */
    void failed(String model, int version, int events, RuntimeException cause);

    /**
     * A trigger's cooldown ended with its base version still the champion: no newer champion
     * answered it; {@code unanswered} consecutive triggers for the version have gone so.
     */
    void unanswered(String model, int version, int unanswered);
  }

  private final DriftSettings defaults;
  private final Triggers triggers;
  /** Monitors by model@version. */
  private final Map<String, DriftMonitor> monitors = new HashMap<>();
  /** Resolved settings by model@version, so events do not rebuild them. */
  private final Map<String, DriftSettings> resolved = new HashMap<>();
  private ModelVersion lastResolvedVersion;
  private DriftSettings lastResolved;

  ModelWatch(DriftSettings defaults, Triggers triggers) {
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.triggers = Objects.requireNonNull(triggers, "triggers");
  }

  /** The job's defaults with the model's own configuration applied, resolved once per version. */
  DriftSettings settingsFor(ModelVersion version) {
    if (version == lastResolvedVersion) { // the broadcast state hands out the same instance each time
      return lastResolved;
    }
    String key = version.getModel() + "@" + version.getVersion();
    DriftSettings settings = resolved.get(key);
    if (settings == null) {
      try {
        settings = defaults.overriddenBy(version.getDriftConfig());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid driftConfig: " + e.getMessage(), e);
      }
      resolved.put(key, settings);
    }
    lastResolvedVersion = version;
    lastResolved = settings;
    return settings;
  }

  /**
   * Events of one model in event-time order (or late within the allowed lateness), as one step:
   * the monitored version, window count, cooldown, detector, warning and cadence count are read
   * once before and written once after, and new window events are appended in one go.
   *
   * @param champion the model's champion, or null when none is known yet
   * @param now processing time, the triggers' detection time
   */
  void take(ModelVersion champion, List<ObservedEvent> taken, long now, State state, Outcomes out) throws Exception {
    Integer monitored = state.monitoredVersion();
    int count = state.count();
    Cooldown held = state.cooldown();
    Step step = new Step(held, state, out, now);
    if (champion != null && !Objects.equals(monitored, champion.getVersion())) {
      if (monitored != null) { // a new champion: its window starts now
        state.clearWindow();
        count = 0;
      } else if (count > 0) { // the first champion: events buffered before it must be of its classes too
        List<ObservedEvent> buffered = state.window();
        List<ObservedEvent> kept = ofItsClasses(champion, buffered, out);
        if (kept != buffered) {
          state.replaceWindow(kept);
          count = kept.size();
        }
      }
      state.monitoredVersion(champion.getVersion());
      step.cooldown = Cooldown.NONE;
      state.detector(null); // the new version's errors start a new stream
      step.warned = false;
      step.warnedChanged = true;
      step.sinceCadence = 0;
      step.cadenceChanged = true;
    }
    if (champion == null) {
      buffer(taken, count, state, out);
      return;
    }
    DriftSettings settings = settingsFor(champion);
    long cadence = settings.cadenceEvents();
    if (cadence > 0 && !step.cadenceChanged) {
      step.sinceCadence = state.sinceCadence();
    }
    List<ObservedEvent> fresh = new ArrayList<>(Math.min(taken.size(), settings.windowSize()));
    for (ObservedEvent event : ofItsClasses(champion, taken, out)) {
      fresh.add(event);
      count++;
      Cooldown before = step.cooldown;
      step.cooldown = before.afterEvent(settings, event.eventTime());
      if (before.active() && step.cooldown.rearmed()) {
        log.info("{} v{}: the trigger of attempt {} went unanswered ({} events, no newer champion); re-armed with "
            + "backoff {}x, the next trigger needs new evidence", champion.getModel(), champion.getVersion(),
            before.attempt(), step.cooldown.eventsSince(), Cooldown.backoff(step.cooldown.attempt()));
        out.unanswered(champion.getModel(), champion.getVersion(), step.cooldown.attempt());
      }
      if (settings.conceptDetector().isPresent()
          && step.watchErrors(champion, settings, settings.conceptDetector().get(), event, fresh)) {
        fresh = new ArrayList<>(); // the alarm put them into the window
      }
      List<ObservedEvent> assessedWindow = null;
      if (count >= settings.windowSize()) {
        List<ObservedEvent> all = state.window();
        all.addAll(fresh);
        fresh = new ArrayList<>(); // not clear(): nulling its references showed as a fifth of this thread in a profile
        assessedWindow = all.subList(0, settings.windowSize());
        step.assess(champion, settings, assessedWindow);
        List<ObservedEvent> rest = new ArrayList<>(all.subList(settings.windowSize(), all.size()));
        state.replaceWindow(rest);
        count = rest.size();
      }
      if (cadence > 0 && ++step.sinceCadence >= cadence) {
        step.sinceCadence = 0;
        List<ObservedEvent> last = assessedWindow;
        if (last == null) {
          last = state.window();
          last.addAll(fresh);
        }
        step.cadence(champion, settings, last, event);
      }
      if (cadence > 0) {
        step.cadenceChanged = true;
      }
    }
    state.appendToWindow(fresh);
    state.count(count);
    if (!step.cooldown.equals(held)) {
      state.cooldown(step.cooldown);
    }
    if (step.detectorChanged) {
      state.detector(step.detector);
    }
    if (step.warnedChanged) {
      state.warned(step.warned);
    }
    if (step.cadenceChanged) {
      state.sinceCadence(step.sinceCadence);
    }
  }

  /**
   * Buffers events of a model without a champion, at most one window of the job's default size;
   * each older event that falls out is refused with the reason.
   */
  private void buffer(List<ObservedEvent> taken, int count, State state, Outcomes out) throws Exception {
    int size = defaults.windowSize();
    state.appendToWindow(taken);
    count += taken.size();
    if (count > size) {
      List<ObservedEvent> buffered = state.window();
      int dropped = buffered.size() - size;
      String reason = null;
      for (ObservedEvent event : buffered.subList(0, dropped)) {
        if (reason == null) {
          reason = "no champion for model " + event.model() + " yet; the buffer of " + size
              + " events before a first champion was full";
        }
        out.refused(event, reason);
      }
      state.replaceWindow(buffered.subList(dropped, buffered.size()));
      count = size;
    }
    state.count(count);
  }

  /** The state of one {@link #take}, held here between its state reads and writes. */
  private final class Step {
    Cooldown cooldown;
    ChangeDetector detector;
    boolean detectorRead;
    boolean detectorChanged;
    boolean warned;
    boolean warnedRead;
    boolean warnedChanged;
    long sinceCadence;
    boolean cadenceChanged;
    final State state;
    final Outcomes out;
    final long now;

    Step(Cooldown cooldown, State state, Outcomes out, long now) {
      this.cooldown = cooldown;
      this.state = state;
      this.out = out;
      this.now = now;
    }

    /**
     * Feeds the served version's error on this event to the model's detector; at the first
     * warning of an episode sends a WARNING trigger; on an alarm outside a cooldown, appends {@code
     * fresh} to the window and fires with the window so far.
     *
     * @return whether {@code fresh} went into the window
     */
    boolean watchErrors(ModelVersion champion, DriftSettings settings, ChangeDetectorKind kind, ObservedEvent event,
        List<ObservedEvent> fresh) throws Exception {
      int version = champion.getVersion();
      if (event.prediction() == null || event.predictionVersion() == null || event.predictionVersion() != version) {
        return false;
      }
      if (!detectorRead) {
        detector = state.detector();
        detectorRead = true;
      }
      if (detector == null) {
        detector = kind.create(Objects.hash(champion.getModel().toString(), version));
      }
      detector.update(event.prediction() != event.label() ? 1.0 : 0.0);
      detectorChanged = true;
      if (settings.warnings() && detector instanceof WarningDetector warning) {
        watchWarning(champion, settings, kind, warning, event, fresh);
      }
      if (!detector.driftDetected() || cooldown.active()) {
        return false;
      }
      state.appendToWindow(fresh); // the window so far, including the events of this step
      List<ObservedEvent> events = state.window();
      DriftAssessment alarm;
      try {
        alarm = monitor(champion, settings).detectorAlarm(kind.name(), observations(events), version);
      } catch (RuntimeException e) {
        log.warn("{} fired on {} v{} but its verdict could not be built; the window goes on", kind, champion.getModel(),
            version, e);
        return true;
      }
      fire(champion, settings, alarm, events, kind.name() + "@" + event.partition() + ":" + event.offset(), event.eventTime());
      return true;
    }

    /** One WARNING trigger per warning episode, outside a cooldown; the episode ends when the zone is left or the detector fires. */
    private void watchWarning(ModelVersion champion, DriftSettings settings, ChangeDetectorKind kind,
        WarningDetector warning, ObservedEvent event, List<ObservedEvent> fresh) throws Exception {
      if (!warnedRead) {
        if (!warnedChanged) {
          warned = state.warned();
        }
        warnedRead = true;
      }
      if (!warning.warningDetected() || warning.driftDetected()) {
        if (warned) {
          warned = false;
          warnedChanged = true;
        }
        return;
      }
      if (warned || cooldown.active()) {
        return;
      }
      warned = true;
      warnedChanged = true;
      int version = champion.getVersion();
      List<ObservedEvent> events = state.window();
      events.addAll(fresh);
      DriftAssessment verdict;
      try {
        verdict = monitor(champion, settings).detectorAlarm(kind.name(), observations(events), version);
      } catch (RuntimeException e) {
        log.warn("{} warned on {} v{} but its verdict could not be built", kind, champion.getModel(), version, e);
        return;
      }
      DriftTrigger trigger = triggers.of(champion.getModel(), version, verdict, events, now,
          "WARNING:" + kind.name() + "@" + event.partition() + ":" + event.offset(), TriggerSignal.WARNING,
          cooldown.nextAttempt());
      log.info("warning on {} v{} by {}: error {} ({})", champion.getModel(), version, kind,
          String.format("%.3f", verdict.findings().get(0).result().statistic()), trigger.getTriggerId());
      out.triggered(trigger);
    }

    void assess(ModelVersion champion, DriftSettings settings, List<ObservedEvent> events) {
      int version = champion.getVersion();
      long lastTime = Long.MIN_VALUE;
      DriftAssessment assessment;
      try { // logic on these events only: what fails here is theirs, not the operator's state
        List<Observation> observations = observations(events);
        for (ObservedEvent e : events) {
          lastTime = Math.max(lastTime, e.eventTime());
        }
        assessment = monitor(champion, settings).assess(observations, version);
      } catch (RuntimeException e) {
        out.failed(champion.getModel(), version, events.size(), e);
        String reason = "the window of " + events.size() + " events it belongs to could not be assessed against "
            + champion.getModel() + " v" + version + ": " + e;
        for (ObservedEvent event : events) {
          out.refused(event, reason);
        }
        return;
      }
      out.assessed(champion.getModel(), assessment);
      fire(champion, settings, assessment, events, null, lastTime);
    }

    /** A CADENCE trigger with the window's served error as evidence, when it can be measured. */
    void cadence(ModelVersion champion, DriftSettings settings, List<ObservedEvent> events, ObservedEvent due) {
      int version = champion.getVersion();
      List<DriftAssessment.Finding> findings = List.of();
      try {
        findings = monitor(champion, settings).servedError(observations(events), version)
            .map(r -> List.of(new DriftAssessment.Finding(DriftAssessment.ERROR, r))).orElse(List.of());
      } catch (RuntimeException e) {
        log.warn("the served error of {} v{}'s cadence window could not be measured; the trigger goes without it",
            champion.getModel(), version, e);
      }
      DriftTrigger trigger = triggers.cadence(champion.getModel(), version, findings, events, now,
          "CADENCE@" + due.partition() + ":" + due.offset(), cooldown.nextAttempt());
      log.info("cadence on {} v{}: {} events ({})", champion.getModel(), version, events.size(), trigger.getTriggerId());
      out.triggered(trigger);
    }

    /**
     * A verdict becomes a trigger unless it found no drift, the model is cooling down, or the model
     * was re-armed after an unanswered trigger and the verdict brings no new evidence.
     */
    void fire(ModelVersion champion, DriftSettings settings, DriftAssessment verdict, List<ObservedEvent> events,
        String detection, long eventTime) {
      int version = champion.getVersion();
      if (!verdict.drifted()) {
        return;
      }
      if (cooldown.active()) {
        log.debug("{} v{} drifted again ({}) while cooling down", champion.getModel(), version, verdict.kind());
        return;
      }
      Double served = servedError(verdict);
      Optional<Cooldown.NewEvidence> evidence = cooldown.admits(settings, verdict.severity(), served, eventTime);
      if (evidence.isEmpty()) {
        log.debug("{} v{} drifted again ({}, severity {}) with no new evidence after {} unanswered triggers",
            champion.getModel(), version, verdict.kind(), verdict.severity(), cooldown.attempt());
        return;
      }
      int attempt = cooldown.nextAttempt();
      DriftTrigger trigger = triggers.of(champion.getModel(), version, verdict, events, now, detection,
          TriggerSignal.DRIFT, attempt);
      log.info("drift on {} v{}: {} severity {}{}, attempt {} ({}) ({})", trigger.getModel(), version, trigger.getKind(),
          String.format("%.2f", trigger.getSeverity()), detection == null ? "" : " by " + detection, attempt,
          evidence.get(), trigger.getTriggerId());
      out.triggered(trigger);
      cooldown = Cooldown.after(settings, version, eventTime, attempt, verdict.severity(), served);
    }
  }

  /** The served version's error rate in a verdict: the statistic of its {@code _error} finding, if any. */
  private static Double servedError(DriftAssessment verdict) {
    for (DriftAssessment.Finding f : verdict.findings()) {
      if (DriftAssessment.ERROR.equals(f.feature())) {
        return f.result().statistic();
      }
    }
    return null;
  }

  private DriftMonitor monitor(ModelVersion champion, DriftSettings settings) {
    return monitors.computeIfAbsent(champion.getModel() + "@" + champion.getVersion(),
        k -> new DriftMonitor(champion.getReference(), settings));
  }

  private static List<Observation> observations(List<ObservedEvent> events) {
    List<Observation> observations = new ArrayList<>(events.size());
    for (ObservedEvent e : events) {
      observations.add(e.observation());
    }
    return observations;
  }

  /**
   * The events whose label is a class of {@code champion}, in order (the same list when all are);
   * the others are refused with the rule and the class count.
   */
  private static List<ObservedEvent> ofItsClasses(ModelVersion champion, List<ObservedEvent> events, Outcomes out) {
    int classes = champion.getArchitecture().getNumClasses();
    List<ObservedEvent> kept = null;
    for (int i = 0; i < events.size(); i++) {
      ObservedEvent event = events.get(i);
      if (event.label() < classes) {
        if (kept != null) {
          kept.add(event);
        }
        continue;
      }
      if (kept == null) {
        kept = new ArrayList<>(events.subList(0, i));
      }
      out.refused(event, "label " + event.label() + " is not a class of " + champion.getModel() + " v"
          + champion.getVersion() + ": a label must be in [0, numClasses) and the model has numClasses " + classes);
    }
    return kept == null ? events : kept;
  }
}

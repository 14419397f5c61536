package dev.plasticity.generators;

import java.util.List;
import java.util.Random;

/**
 * A synthetic stream with the character of the electricity-price stream of Harries (1999), "SPLICE-2 comparative
 * evaluation: Electricity pricing" (the {@code elec2} set that MOA and River ship): six numeric features sampled every
 * half hour that shift all the time, binary labels that persist for many steps, and a concept that changes slowly.
 * It is not a copy of that data, and not one of MOA's generators.
 *
 * <p>Step {@code t} is half an hour. The features are
 * <ul>
 *   <li>{@code period}: the time of day, {@code (t mod 48) / 47};</li>
 *   <li>{@code demand} and {@code otherDemand}: a daily and a weekly cycle, a yearly season ({@value #YEAR} steps) and
 *       a mean-reverting random-walk level, plus noise;</li>
 *   <li>{@code price}: rises with demand, on its own random-walk level, with AR(1) noise; {@code otherPrice} follows it
 *       on a level of its own;</li>
 *   <li>{@code transfer}: a bounded random walk with a daily cycle.</li>
 * </ul>
 * The label asks, as in {@code elec2}, whether the price is up: {@code 1} when {@code w(t) . (x - m(t)) + e(t) > 0},
 * where {@code m(t)} is an exponential moving mean of the features over about a week, {@code w(t)} are weights that
 * rotate slowly (periods of tens of thousands of steps) and {@code e(t)} is an unobserved AR(1) disturbance with
 * coefficient {@value #DISTURBANCE_PERSISTENCE}. The features and the disturbance are smooth, so a label tends to
 * persist and predicting the previous label is strong (about 0.85 accuracy); a model frozen on the first few thousand
 * steps decays as the levels, the moving mean and the weights wander away from what it learned.
 *
 * <p>The same seed always gives the same sequence. Not thread-safe.
 */
public final class ElectricityLikeGenerator implements StreamGenerator {

    /** Steps in a day (half hours). */
    public static final int DAY = 48;
    /** Steps in a week. */
    public static final int WEEK = 7 * DAY;
    /** Steps in a year: the period of the seasonal cycle. */
    public static final int YEAR = 365 * DAY;
    /** The AR(1) coefficient of the unobserved disturbance of the label. */
    public static final double DISTURBANCE_PERSISTENCE = 0.8;

    private static final List<Attribute> ATTRIBUTES = List.of(Attribute.numeric("period"), Attribute.numeric("demand"),
            Attribute.numeric("price"), Attribute.numeric("otherDemand"), Attribute.numeric("otherPrice"),
            Attribute.numeric("transfer"));
    /** Weights of the concept at t = 0, one per feature. */
    private static final double[] BASE_WEIGHTS = {0.0, 1.0, 3.0, 0.5, 1.0, -0.5};
    /** How far each weight swings as the concept rotates. */
    private static final double[] WEIGHT_SWING = {0.8, 1.0, 1.0, 1.2, 1.2, 0.8};
    /** The period of each weight's swing, in steps. */
    private static final double[] WEIGHT_PERIOD = {23_000, 31_000, 57_000, 19_000, 41_000, 27_000};
    /** The smoothing of the moving mean the label compares against: about a week. */
    private static final double MEAN_RATE = 1.0 / WEEK;

    private final Random random;
    private final double[] phases = new double[WEIGHT_PERIOD.length];
    private long t;
    private double demandLevel;
    private double otherDemandLevel;
    private double priceLevel;
    private double otherPriceLevel;
    private double transfer = 0.5;
    private double priceNoise;
    private double disturbance;
    private double[] mean;

    /** @param seed the seed of every random draw */
    public ElectricityLikeGenerator(long seed) {
        this.random = new Random(seed);
        for (int i = 0; i < phases.length; i++) {
            phases[i] = random.nextDouble() * 2 * Math.PI;
        }
    }

    @Override
    public List<Attribute> attributes() {
        return ATTRIBUTES;
    }

    @Override
    public int numClasses() {
        return 2;
    }

    @Override
    public Instance next() {
        double day = 2 * Math.PI * (t % DAY) / DAY;
        double week = 2 * Math.PI * (t % WEEK) / WEEK;
        double season = 2 * Math.PI * t / YEAR;

        demandLevel = walk(demandLevel, 0.004, 0.0005);
        otherDemandLevel = walk(otherDemandLevel, 0.004, 0.0005);
        priceLevel = walk(priceLevel, 0.003, 0.0003);
        otherPriceLevel = walk(otherPriceLevel, 0.003, 0.0003);
        transfer = Math.max(0, Math.min(1, transfer + 0.01 * random.nextGaussian()));
        priceNoise = 0.7 * priceNoise + 0.04 * random.nextGaussian();

        double[] x = new double[ATTRIBUTES.size()];
        x[0] = (double) (t % DAY) / (DAY - 1);
        x[1] = 0.4 + 0.15 * Math.sin(day - Math.PI / 2) + 0.04 * Math.sin(week) + 0.08 * Math.sin(season)
                + demandLevel + 0.02 * random.nextGaussian();
        x[2] = 0.1 + 0.5 * (x[1] - 0.4) + priceLevel + priceNoise;
        x[3] = 0.4 + 0.12 * Math.sin(day - Math.PI / 2 + 0.3) + 0.1 * Math.sin(season + 1) + otherDemandLevel
                + 0.02 * random.nextGaussian();
        x[4] = 0.8 * x[2] + otherPriceLevel + 0.01 * random.nextGaussian();
        x[5] = transfer + 0.1 * Math.sin(day);

        if (mean == null) {
            mean = x.clone();
        }
        double score = 0;
        for (int i = 0; i < x.length; i++) {
            double weight = BASE_WEIGHTS[i] + WEIGHT_SWING[i] * Math.sin(2 * Math.PI * t / WEIGHT_PERIOD[i] + phases[i]);
            score += weight * (x[i] - mean[i]);
            mean[i] += MEAN_RATE * (x[i] - mean[i]);
        }
        disturbance = DISTURBANCE_PERSISTENCE * disturbance + 0.12 * random.nextGaussian();
        t++;
        return new Instance(x, score + disturbance > 0 ? 1 : 0);
    }

    /** One step of a random walk with standard deviation {@code step}, pulled back towards 0 at {@code reversion}. */
    private double walk(double level, double step, double reversion) {
        return level * (1 - reversion) + step * random.nextGaussian();
    }
}

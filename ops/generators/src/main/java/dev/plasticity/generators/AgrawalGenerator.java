package dev.plasticity.generators;

import java.util.List;
import java.util.Random;

/**
 * Agrawal's loan applications: nine attributes of a person (salary, commission, age, education level, car, zip code,
 * house value, years owned, loan) and ten classification functions that decide whether the applicant belongs to
 * group A (label 0) or group B (label 1).
 *
 * <p>From Rakesh Agrawal, Tomasz Imielinski and Arun Swami, "Database mining: a performance perspective", IEEE
 * Transactions on Knowledge and Data Engineering 5(6), 1993. Equal, instance for instance, to MOA's
 * {@code moa.streams.generators.AgrawalGenerator} with the same options, including two details of MOA's version:
 * the class is decided before the numeric attributes are perturbed, and a perturbed house value is clamped to
 * [0, 135000] whatever its zip code.
 *
 * <p>Attributes {@code elevel} (5 values), {@code car} (20) and {@code zipcode} (9) are nominal; the others numeric.
 *
 * <p>Not thread-safe.
 */
public final class AgrawalGenerator implements StreamGenerator {

    /** MOA's default {@code function}. */
    static final int DEFAULT_FUNCTION = 1;
    /** MOA's default {@code peturbFraction}. */
    static final double DEFAULT_PERTURB_FRACTION = 0.05;
    /** MOA's default {@code instanceRandomSeed}. */
    public static final long DEFAULT_SEED = 1;

    private static final List<Attribute> ATTRIBUTES = List.of(
            Attribute.numeric("salary"), Attribute.numeric("commission"), Attribute.numeric("age"),
            Attribute.nominal("elevel", 5), Attribute.nominal("car", 20), Attribute.nominal("zipcode", 9),
            Attribute.numeric("hvalue"), Attribute.numeric("hyears"), Attribute.numeric("loan"));

    private final int function;
    private final double perturbFraction;
    private final boolean balanceClasses;
    private final Random random;
    private boolean nextClassShouldBeZero;

    /** MOA's defaults: function 1, 5% perturbation, no class balancing, seed 1. */
    public AgrawalGenerator() {
        this(DEFAULT_FUNCTION, DEFAULT_PERTURB_FRACTION, false, DEFAULT_SEED);
    }

    /**
     * @param function the concept, 1 to 10 (MOA's {@code -f})
     * @param perturbFraction how far numeric attributes are perturbed, as a fraction of their range, 0 to 1 (MOA's
     *     {@code -p}, spelled {@code peturbFraction} there)
     * @param balanceClasses draw until the classes alternate, starting with class 1 (MOA's {@code -b})
     * @param instanceRandomSeed the seed (MOA's {@code -i}, an int there)
     */
    public AgrawalGenerator(int function, double perturbFraction, boolean balanceClasses, long instanceRandomSeed) {
        this.function = OptionRange.check("function", function, 1, 10);
        this.perturbFraction = OptionRange.check("perturbFraction", perturbFraction, 0.0, 1.0);
        this.balanceClasses = balanceClasses;
        this.random = new Random(instanceRandomSeed);
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
        double salary;
        double commission;
        int age;
        int elevel;
        int car;
        int zipcode;
        double hvalue;
        int hyears;
        double loan;
        int label;
        while (true) {
            salary = 20000.0 + 130000.0 * random.nextDouble();
            commission = salary >= 75000.0 ? 0 : 10000.0 + 65000.0 * random.nextDouble();
            age = 20 + random.nextInt(61);
            elevel = random.nextInt(5);
            car = random.nextInt(20);
            zipcode = random.nextInt(9);
            hvalue = (9.0 - zipcode) * 100000.0 * (0.5 + random.nextDouble());
            hyears = 1 + random.nextInt(30);
            loan = random.nextDouble() * 500000.0;
            label = groupB(salary, commission, age, elevel, hvalue, hyears, loan) ? 1 : 0;
            if (!balanceClasses || (label == 0) == nextClassShouldBeZero) {
                break;
            }
        }
        if (balanceClasses) {
            nextClassShouldBeZero = !nextClassShouldBeZero;
        }
        double ageValue = age;
        double hyearsValue = hyears;
        if (perturbFraction > 0.0) {
            salary = perturb(salary, 150000 - 20000, 20000, 150000);
            if (commission > 0) {
                commission = perturb(commission, 75000 - 10000, 10000, 75000);
            }
            ageValue = Math.round(perturb(age, 80 - 20, 20, 80));
            hvalue = perturb(hvalue, (9.0 - zipcode) * 100000.0, 0, 135000);
            hyearsValue = Math.round(perturb(hyears, 30 - 1, 1, 30));
            loan = perturb(loan, 500000, 0, 500000);
        }
        return new Instance(
                new double[] {salary, commission, ageValue, elevel, car, zipcode, hvalue, hyearsValue, loan}, label);
    }

    /** Moves {@code value} uniformly by up to {@code perturbFraction * range} either way, then clamps it. */
    private double perturb(double value, double range, double min, double max) {
        double moved = value + range * (2.0 * (random.nextDouble() - 0.5)) * perturbFraction;
        if (moved < min) {
            return min;
        }
        return moved > max ? max : moved;
    }

    private boolean groupB(double salary, double commission, int age, int elevel, double hvalue, int hyears,
            double loan) {
        return switch (function) {
            case 1 -> age >= 40 && age < 60;
            case 2 -> !byAge(age, within(salary, 50000, 100000), within(salary, 75000, 125000),
                    within(salary, 25000, 75000));
            case 3 -> !byAge(age, elevel <= 1, elevel >= 1 && elevel <= 3, elevel >= 2);
            case 4 -> !byAge(age,
                    elevel <= 1 ? within(salary, 25000, 75000) : within(salary, 50000, 100000),
                    elevel >= 1 && elevel <= 3 ? within(salary, 50000, 100000) : within(salary, 75000, 125000),
                    elevel >= 2 ? within(salary, 50000, 100000) : within(salary, 25000, 75000));
            case 5 -> !byAge(age,
                    within(salary, 50000, 100000) ? within(loan, 100000, 300000) : within(loan, 200000, 400000),
                    within(salary, 75000, 125000) ? within(loan, 200000, 400000) : within(loan, 300000, 500000),
                    within(salary, 25000, 75000) ? within(loan, 300000, 500000) : within(loan, 100000, 300000));
            case 6 -> {
                double total = salary + commission;
                yield !byAge(age, within(total, 50000, 100000), within(total, 75000, 125000),
                        within(total, 25000, 75000));
            }
            case 7 -> !(2.0 * (salary + commission) / 3.0 - loan / 5.0 - 20000.0 > 0);
            case 8 -> !(2.0 * (salary + commission) / 3.0 - 5000.0 * elevel - 20000.0 > 0);
            case 9 -> !(2.0 * (salary + commission) / 3.0 - 5000.0 * elevel - loan / 5.0 - 10000.0 > 0);
            case 10 -> {
                double equity = hyears >= 20 ? hvalue * (hyears - 20.0) / 10.0 : 0.0;
                yield !(2.0 * (salary + commission) / 3.0 - 5000.0 * elevel + equity / 5.0 - 10000.0 > 0);
            }
            default -> throw new IllegalStateException("function was validated to be 1..10, is " + function);
        };
    }

    /** Picks the group-A condition for the applicant's age band: under 40, 40 to 59, 60 and over. */
    private static boolean byAge(int age, boolean young, boolean middle, boolean old) {
        return age < 40 ? young : age < 60 ? middle : old;
    }

    private static boolean within(double value, double low, double high) {
        return low <= value && value <= high;
    }
}

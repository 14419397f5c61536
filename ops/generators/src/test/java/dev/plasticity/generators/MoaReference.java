package dev.plasticity.generators;

import static org.junit.jupiter.api.Assertions.fail;

import moa.options.ClassOption;
import moa.streams.ExampleStream;
import moa.streams.InstanceStream;

/** MOA, the GPL reference these generators must equal; used by tests only, never shipped. */
final class MoaReference {

    private MoaReference() {
    }

    /** The prepared MOA stream of a MOA command line, e.g. {@code generators.SEAGenerator -f 2}. */
    static InstanceStream stream(String cli) {
        try {
            InstanceStream stream = (InstanceStream) ClassOption.cliStringToObject(cli, ExampleStream.class, null);
            ((moa.options.OptionHandler) stream).prepareForUse();
            return stream;
        } catch (Exception e) {
            throw new IllegalArgumentException("MOA cannot build '" + cli + "'", e);
        }
    }

    /** MOA's instance in this module's form: attribute values in order, the class (MOA's last attribute) as label. */
    static Instance toInstance(com.yahoo.labs.samoa.instances.Instance moa) {
        if (moa.classIndex() != moa.numAttributes() - 1) {
            throw new IllegalStateException("expected the class last, it is at " + moa.classIndex());
        }
        double[] features = new double[moa.numAttributes() - 1];
        for (int i = 0; i < features.length; i++) {
            features[i] = moa.value(i);
        }
        return new Instance(features, (int) moa.classValue());
    }

    /** Fails at the first of {@code count} instances where {@code ours} differs from MOA's {@code cli} stream. */
    static void assertSameInstances(String cli, StreamGenerator ours, int count) {
        InstanceStream moa = stream(cli);
        for (int i = 0; i < count; i++) {
            Instance expected = toInstance(moa.nextInstance().getData());
            Instance actual = ours.next();
            if (!expected.equals(actual)) {
                fail("instance " + i + " differs from MOA's '" + cli + "':\n  MOA  " + expected + "\n  ours " + actual);
            }
        }
    }
}

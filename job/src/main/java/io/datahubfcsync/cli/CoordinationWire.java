package io.datahubfcsync.cli;

import io.datahubfcsync.cli.wire.ResumeRequest;
import io.datahubfcsync.cli.wire.ResumeResponse;
import io.datahubfcsync.cli.wire.ShardStatusRequest;
import io.datahubfcsync.cli.wire.ShardStatusResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamConstants;
import java.io.ObjectStreamField;
import java.util.Map;

/**
 * The bytes of Flink's client-to-coordinator call: a request and its response travel Java-serialized
 * (base64 in the REST body). Requests are written from the {@code cli.wire} twins under the names of
 * the delivery coordinator's types; responses of those types are read into the twins. Every other
 * class in a response (shard status, state, JDK collections) is read as itself.
 */
final class CoordinationWire {

    static final String CONTROL_PACKAGE = "io.datahubfcsync.delivery.control.";

    /** twin -> the coordinator's type, for writing. */
    private static final Map<String, String> REQUEST_NAMES = Map.of(
            ShardStatusRequest.class.getName(), CONTROL_PACKAGE + "ShardStatusRequest",
            ResumeRequest.class.getName(), CONTROL_PACKAGE + "ResumeRequest");

    /** the coordinator's type -> twin, for reading. */
    private static final Map<String, Class<?>> RESPONSE_TWINS = Map.of(
            CONTROL_PACKAGE + "ShardStatusResponse", ShardStatusResponse.class,
            CONTROL_PACKAGE + "ResumeResponse", ResumeResponse.class);

    private CoordinationWire() {}

    /** A request twin, serialized as the coordinator's request type. */
    static byte[] write(Record request) {
        if (!REQUEST_NAMES.containsKey(request.getClass().getName())) {
            throw new IllegalArgumentException(
                    "not a request twin: " + request.getClass().getName());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new RenamingOutput(bytes)) {
            out.writeObject(request);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + request, e);
        }
        return bytes.toByteArray();
    }

    /** A response of the coordinator, as its twin. */
    static <T> T read(byte[] bytes, Class<T> expected) throws IOException {
        Object value;
        try (ObjectInputStream in = new TwinInput(new ByteArrayInputStream(bytes))) {
            value = in.readObject();
        } catch (ClassNotFoundException e) {
            throw new InvalidClassException("the job answered with a type this jar does not have: " + e.getMessage());
        }
        if (!expected.isInstance(value)) {
            throw new InvalidClassException("expected " + expected.getSimpleName() + " from the job, got "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        return expected.cast(value);
    }

    /** Writes the twins' class descriptors with the coordinator's class names; all else as usual. */
    private static final class RenamingOutput extends ObjectOutputStream {
        RenamingOutput(ByteArrayOutputStream out) throws IOException {
            super(out);
        }

        @Override
        protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
            String wireName = REQUEST_NAMES.get(desc.getName());
            if (wireName == null) {
                super.writeClassDescriptor(desc);
                return;
            }
            // the layout of ObjectStreamClass#writeNonProxy for a plain serializable record (no writeObject,
            // not externalizable, not an enum), which is what the twins are
            writeUTF(wireName);
            writeLong(desc.getSerialVersionUID());
            writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
            ObjectStreamField[] fields = desc.getFields();
            writeShort(fields.length);
            for (ObjectStreamField field : fields) {
                writeByte(field.getTypeCode());
                writeUTF(field.getName());
                if (!field.isPrimitive()) {
                    // a type string is written as a (shared) string object, as writeTypeString does
                    writeObject(field.getTypeString());
                }
            }
        }
    }

    /** Resolves the coordinator's response types to their twins (same simple name, so the stream accepts them). */
    private static final class TwinInput extends ObjectInputStream {
        /** Only the coordinator's answer types and the JDK types they hold; anything else is refused unread. */
        private static final java.io.ObjectInputFilter ANSWER_TYPES = java.io.ObjectInputFilter.Config.createFilter(
                "maxdepth=20;io.datahubfcsync.delivery.control.*;io.datahubfcsync.cli.wire.*;java.util.*;java.lang.*;!*");

        TwinInput(ByteArrayInputStream in) throws IOException {
            super(in);
            setObjectInputFilter(ANSWER_TYPES);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            Class<?> twin = RESPONSE_TWINS.get(desc.getName());
            return twin != null ? twin : super.resolveClass(desc);
        }
    }
}

package netviz.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import netviz.InputFormatException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not: a magic number
 * {@code 0x0000 <type> <rank>}, one big-endian int per dimension, then the unsigned bytes. Only
 * the unsigned-byte type (0x08) is read, which is what MNIST-style datasets use.
 *
 * <p>{@link #read} loads a whole file; {@link #open} streams it item by item (for datasets larger than
 * memory). Both check the length: {@link #header} compares the header's claim with the file size (for
 * gzip, with the uncompressed size recorded in the gzip trailer) before anything is read or allocated.
 */
public final class Idx {
    private Idx() {
    }

    /** An IDX array of unsigned bytes: its dimensions and data, row-major. */
    public record UByteArray(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }

        /** Elements per item (rows x cols for images, 1 for labels). */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }

        public int get(int flatIndex) {
            return data[flatIndex] & 0xff;
        }
    }

    /**
     * What an IDX header says.
     *
     * @param dims    the dimensions (dims[0] is the number of items)
     * @param gzipped whether the file is gzip-compressed
     */
    public record Header(int[] dims, boolean gzipped) {
        public int count() {
            return dims[0];
        }

        /** Bytes per item (rows x cols for images, 1 for labels). */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }

        /** Header plus data bytes (uncompressed). */
        public long totalBytes() {
            return 4L + 4L * dims.length + (long) count() * itemSize();
        }

        @Override
        public String toString() {
            return "IDX " + Arrays.toString(dims);
        }
    }

    /** Reads a whole IDX file (gzip detected from its first bytes, not its name). */
    public static UByteArray read(Path file) {
        try (Reader r = open(file)) {
            Header h = r.header();
            long n = (long) h.count() * h.itemSize();
            if (n > Integer.MAX_VALUE - 16) {
                throw new InputFormatException("IDX file '" + file + "' holds " + n + " bytes, more than netviz loads at"
                        + " once; open it as a dataset to stream it");
            }
            byte[] data = new byte[(int) n];
            r.readItems(data, 0, h.count());
            r.checkEnd();
            return new UByteArray(h.dims(), data);
        }
    }

    /** Reads and checks the header (and the file length) of an IDX file. */
    public static Header header(Path file) {
        try (Reader r = open(file)) {
            return r.header();
        }
    }

    /** Opens an IDX file for streaming, after checking its header against its length. */
    public static Reader open(Path file) {
        return new Reader(file);
    }

    /** Sequential reader of an IDX file's items. */
    public static final class Reader implements Closeable {
        private final Path file;
        private final DataInputStream in;
        private final Header header;
        private long position;

        private Reader(Path file) {
            this.file = file;
            InputStream raw = null;
            try {
                if (Files.isDirectory(file)) {
                    throw new InputFormatException("'" + file + "' is a directory, not an IDX file");
                }
                if (Files.exists(file) && !Files.isRegularFile(file)) {
                    throw new InputFormatException("'" + file + "' is not a regular file (a device, FIFO or socket); "
                            + "give an IDX file that is a regular file");
                }
                raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                boolean gz = b0 == 0x1f && b1 == 0x8b;
                InputStream s = gz ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
                in = new DataInputStream(s);
                header = readHeader(gz);
                checkLength();
            } catch (NoSuchFileException e) {
                closeQuietly(raw);
                throw new InputFormatException("IDX file '" + file + "' does not exist");
            } catch (EOFException e) {
                closeQuietly(raw);
                throw new InputFormatException("IDX file '" + file + "' is truncated inside its header");
            } catch (IOException e) {
                closeQuietly(raw);
                throw new InputFormatException("cannot read IDX file '" + file + "': " + e.getMessage(), e);
            } catch (RuntimeException e) {
                closeQuietly(raw);
                throw e;
            }
        }

        private static void closeQuietly(InputStream s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }

        private Header readHeader(boolean gz) throws IOException {
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xff;
            int rank = magic & 0xff;
            if ((magic >>> 16) != 0 || type != 0x08 || rank < 1 || rank > 4) {
                throw new InputFormatException(String.format("'%s' is not an unsigned-byte IDX file: bad magic number 0x%08x"
                        + " (expected 0x0000080N with N = 1..4 dimensions, e.g. 0x00000803 for images and 0x00000801"
                        + " for labels)", file, magic));
            }
            int[] dims = new int[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new InputFormatException("IDX file '" + file + "' has a negative dimension " + dims[i]);
                }
                n = Math.multiplyExact(n, (long) dims[i]);
                if (n > (1L << 46)) {
                    throw new InputFormatException("IDX file '" + file + "' claims " + n + "+ bytes of data, an impossible size");
                }
            }
            return new Header(dims, gz);
        }

        /** Compares the header's size with the file's: exact for plain files, via the gzip trailer for .gz. */
        private void checkLength() throws IOException {
            long expected = header.totalBytes();
            long size = Files.size(file);
            if (!header.gzipped()) {
                if (size != expected) {
                    throw wrongLength(size, expected);
                }
                return;
            }
            if (size < 18) {
                throw new InputFormatException("IDX file '" + file + "' is a truncated gzip file");
            }
            long isize;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(size - 4);
                isize = Integer.toUnsignedLong(Integer.reverseBytes(raf.readInt()));
            }
            if (isize != (expected & 0xffffffffL)) {
                // The trailer only describes the last gzip member; count the real length to be sure.
                long actual = countUncompressed();
                if (actual != expected) {
                    throw wrongLength(actual, expected);
                }
            }
        }

        private long countUncompressed() {
            try (InputStream s = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16)) {
                long total = 0;
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = s.read(buf)) > 0) {
                    total += n;
                }
                return total;
            } catch (EOFException e) {
                throw new InputFormatException("IDX file '" + file + "' is a truncated gzip file");
            } catch (IOException e) {
                throw new InputFormatException("IDX file '" + file + "' is a corrupt gzip file: " + e.getMessage(), e);
            }
        }

        private InputFormatException wrongLength(long actual, long expected) {
            String what = actual < expected ? "truncated" : "longer than its header says";
            return new InputFormatException("IDX file '" + file + "' is " + what + ": its header " + Arrays.toString(header.dims())
                    + " needs " + expected + " bytes but it holds " + actual + (header.gzipped() ? " (uncompressed)" : ""));
        }

        public Header header() {
            return header;
        }

        /** Index of the next item. */
        public long position() {
            return position;
        }

        /** Skips {@code items} items. */
        public void skip(long items) {
            try {
                long bytes = items * header.itemSize();
                while (bytes > 0) {
                    long k = in.skip(bytes);
                    if (k <= 0) {
                        if (in.read() < 0) {
                            throw truncated();
                        }
                        k = 1;
                    }
                    bytes -= k;
                }
                position += items;
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** Reads {@code items} items into {@code dst} at {@code offset}. */
        public void readItems(byte[] dst, int offset, int items) {
            if (position + items > header.count()) {
                throw new IllegalArgumentException("reading past item " + header.count());
            }
            try {
                in.readFully(dst, offset, items * header.itemSize());
                position += items;
            } catch (EOFException e) {
                throw truncated();
            } catch (IOException e) {
                throw failed(e);
            }
        }

        /** Checks that the file ends after the last item. */
        public void checkEnd() {
            try {
                if (in.read() != -1) {
                    throw new InputFormatException("IDX file '" + file + "' is longer than its header says ("
                            + (long) header.count() * header.itemSize() + " bytes of data)");
                }
            } catch (IOException e) {
                throw failed(e);
            }
        }

        private InputFormatException truncated() {
            return new InputFormatException("IDX file '" + file + "' is truncated: it holds fewer bytes than its header "
                    + Arrays.toString(header.dims()) + " says");
        }

        private InputFormatException failed(IOException e) {
            return new InputFormatException("cannot read IDX file '" + file + "' (corrupt or truncated?): " + e.getMessage(), e);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}

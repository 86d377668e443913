package netviz.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import netviz.NetvizException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not: a magic number
 * {@code 0x0000 <type> <rank>}, one big-endian int per dimension, then the unsigned bytes. Only
 * the unsigned-byte type (0x08) is read, which is what MNIST-style datasets use.
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

    /** Reads a whole IDX file (gzip detected from its first bytes, not its name). */
    public static UByteArray read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)) : raw;
            return read(new DataInputStream(in), file);
        } catch (NoSuchFileException e) {
            throw new NetvizException("IDX file '" + file + "' does not exist");
        } catch (EOFException e) {
            throw new NetvizException("IDX file '" + file + "' is truncated: it holds fewer bytes than its header says");
        } catch (IOException e) {
            throw new NetvizException("cannot read IDX file '" + file + "': " + e.getMessage());
        }
    }

    private static UByteArray read(DataInputStream in, Path file) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if ((magic >>> 16) != 0 || type != 0x08 || rank < 1 || rank > 4) {
            throw new NetvizException(String.format("'%s' is not an unsigned-byte IDX file: bad magic number 0x%08x"
                    + " (expected 0x0000080N with N = 1..4 dimensions)", file, magic));
        }
        int[] dims = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new NetvizException("IDX file '" + file + "' has a negative dimension " + dims[i]);
            }
            n *= dims[i];
            if (n > Integer.MAX_VALUE - 16) {
                throw new NetvizException("IDX file '" + file + "' claims " + n + "+ elements, more than netviz reads");
            }
        }
        byte[] data = new byte[(int) n];
        in.readFully(data);
        if (in.read() != -1) {
            throw new NetvizException("IDX file '" + file + "' is longer than its header says (" + n + " bytes of data)");
        }
        return new UByteArray(dims, data);
    }
}

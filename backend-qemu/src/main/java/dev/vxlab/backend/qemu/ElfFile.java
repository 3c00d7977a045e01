package dev.vxlab.backend.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The two things the image builder reads from arm64 ELF files on this (any) machine: a program's or library's
 * {@code DT_NEEDED} shared libraries, and a kernel module's {@code .modinfo} strings (its {@code depends=}). Only
 * 64-bit little-endian files, which is what Debian's arm64 packages hold.
 */
final class ElfFile {
    private static final long DT_NEEDED = 1;
    private static final int SHT_DYNAMIC = 6;

    private final ByteBuffer data;
    private final List<Section> sections = new ArrayList<>();

    private record Section(String name, int type, long offset, long size, int link) {}

    private ElfFile(ByteBuffer data) throws IOException {
        this.data = data.order(ByteOrder.LITTLE_ENDIAN);
        if (data.limit() < 64 || data.getInt(0) != 0x464c457f || data.get(4) != 2 || data.get(5) != 1) {
            throw new IOException("not a 64-bit little-endian ELF file");
        }
        long shoff = data.getLong(0x28);
        int shentsize = Short.toUnsignedInt(data.getShort(0x3a));
        int shnum = Short.toUnsignedInt(data.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(data.getShort(0x3e));
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int at = Math.toIntExact(shoff + (long) i * shentsize);
            raw.add(new long[] {Integer.toUnsignedLong(data.getInt(at)), data.getInt(at + 4), data.getLong(at + 0x18),
                    data.getLong(at + 0x20), data.getInt(at + 0x28)});
        }
        long namesAt = shstrndx < raw.size() ? raw.get(shstrndx)[2] : 0;
        for (long[] s : raw) {
            sections.add(new Section(string(namesAt + s[0]), (int) s[1], s[2], s[3], (int) s[4]));
        }
    }

    static ElfFile read(Path file) throws IOException {
        return new ElfFile(ByteBuffer.wrap(Files.readAllBytes(file)));
    }

    static boolean isElf(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** The sonames this file needs (DT_NEEDED), in order. */
    List<String> needed() {
        List<String> names = new ArrayList<>();
        for (Section dynamic : sections) {
            if (dynamic.type() != SHT_DYNAMIC) {
                continue;
            }
            Section strings = sections.get(dynamic.link());
            for (long at = dynamic.offset(); at + 16 <= dynamic.offset() + dynamic.size(); at += 16) {
                long tag = data.getLong(Math.toIntExact(at));
                if (tag == 0) {
                    break;
                }
                if (tag == DT_NEEDED) {
                    names.add(string(strings.offset() + data.getLong(Math.toIntExact(at + 8))));
                }
            }
        }
        return names;
    }

    /** A kernel module's {@code .modinfo} value for a key (e.g. {@code depends}), if present. */
    Optional<String> modinfo(String key) {
        List<String> all = modinfoAll(key);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    /** Every {@code .modinfo} value for a key (a module has many {@code alias} lines). */
    List<String> modinfoAll(String key) {
        List<String> values = new ArrayList<>();
        for (Section s : sections) {
            if (!s.name().equals(".modinfo")) {
                continue;
            }
            byte[] bytes = new byte[Math.toIntExact(s.size())];
            data.get(Math.toIntExact(s.offset()), bytes);
            for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
                if (entry.startsWith(key + "=")) {
                    values.add(entry.substring(key.length() + 1));
                }
            }
        }
        return values;
    }

    private String string(long at) {
        int start = Math.toIntExact(at);
        int end = start;
        while (end < data.limit() && data.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        data.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

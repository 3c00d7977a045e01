package dev.vxlab.backend.qemu;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a directory tree as the kernel's initramfs format (cpio "newc", every file owned by root), so building the
 * image needs no cpio on this machine. Paths are sorted so the same tree gives the same bytes.
 */
final class NewcArchive {
    private final OutputStream out;
    private long written;
    private int inode = 1;

    private NewcArchive(OutputStream out) {
        this.out = out;
    }

    static void write(Path root, OutputStream out) throws IOException {
        NewcArchive archive = new NewcArchive(out);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(p -> !p.equals(root)).sorted().toList();
        }
        for (Path path : paths) {
            archive.entry(root.relativize(path).toString(), path);
        }
        archive.header("TRAILER!!!", 0, 0, 1);
        archive.pad(512);
    }

    private void entry(String name, Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            byte[] target = Files.readSymbolicLink(path).toString().getBytes(StandardCharsets.UTF_8);
            header(name, 0120777, target.length, 1);
            body(target);
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            header(name, 040755, 0, 2);
        } else {
            byte[] content = Files.readAllBytes(path);
            int mode = Files.isExecutable(path) ? 0100755 : 0100644;
            header(name, mode, content.length, 1);
            body(content);
        }
    }

    private void header(String name, int mode, long size, int links) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        String header = "070701" + hex(inode++) + hex(mode) + hex(0) + hex(0) + hex(links) + hex(0) + hex(size)
                + hex(0) + hex(0) + hex(0) + hex(0) + hex(nameBytes.length) + hex(0);
        emit(header.getBytes(StandardCharsets.US_ASCII));
        emit(nameBytes);
        pad(4);
    }

    private void body(byte[] content) throws IOException {
        emit(content);
        pad(4);
    }

    private void emit(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad(int to) throws IOException {
        while (written % to != 0) {
            emit(new byte[] {0});
        }
    }

    private static String hex(long value) {
        return String.format("%08x", value);
    }
}

package dev.vxlab.backend.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image builder's and agent client's pieces that need no VM: Debian fields, ELF, newc, the reply stream. */
class ImagePartsTest {

    @Test
    void dependencyFieldsKeepTheFirstAlternativeWithoutVersionOrArchitecture() {
        assertThat(AptArm64.firstAlternatives("libc6 (>= 2.34), libfoo1 | libbar2, debconf (>= 0.5) | debconf-2.0,"
                + " python3:any, libx [arm64]")).containsExactly("libc6", "libfoo1", "debconf", "python3", "libx");
        assertThat(AptArm64.firstAlternatives("")).isEmpty();
    }

    @Test
    void debFileNamesEscapeTheEpochAndNameTheArchitecture() {
        assertThat(new AptArm64.Package("busybox-static", "1:1.35.0-4", "arm64", List.of()).debFile())
                .isEqualTo("busybox-static_1%3a1.35.0-4_arm64.deb");
        assertThat(new AptArm64.Package("libtirpc-common", "1.3.3+ds-1", "all", List.of()).debFile())
                .isEqualTo("libtirpc-common_1.3.3+ds-1_all.deb");
    }

    @Test
    void readsTheSharedLibrariesAnElfProgramNeeds() throws Exception {
        // This JVM's launcher is a dynamically linked 64-bit little-endian ELF like Debian's arm64 programs.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertThat(ElfFile.isElf(java)).isTrue();
        assertThat(ElfFile.read(java).needed()).contains("libc.so.6");
    }

    @Test
    void writesTheInitramfsAsNewcWithRootOwnedEntriesInSortedOrder(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("init"), "#!/bin/sh\n");
        root.resolve("init").toFile().setExecutable(true);
        Files.writeString(root.resolve("bin/busybox"), "12345");
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NewcArchive.write(root, out);
        byte[] bytes = out.toByteArray();
        assertThat(bytes.length % 512).isZero();

        Map<String, String> entries = new LinkedHashMap<>(); // name -> mode (octal) and content
        int at = 0;
        while (true) {
            String header = new String(bytes, at, 110, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("070701");
            int mode = Integer.parseInt(header.substring(14, 22), 16);
            assertThat(Integer.parseInt(header.substring(22, 30), 16)).as("uid").isZero();
            int size = Integer.parseInt(header.substring(54, 62), 16);
            int nameSize = Integer.parseInt(header.substring(94, 102), 16);
            String name = new String(bytes, at + 110, nameSize - 1, StandardCharsets.UTF_8);
            at = align(at + 110 + nameSize);
            if (name.equals("TRAILER!!!")) {
                break;
            }
            entries.put(name, Integer.toOctalString(mode) + " " + new String(bytes, at, size, StandardCharsets.UTF_8));
            at = align(at + size);
        }
        assertThat(new ArrayList<>(entries.keySet())).containsExactly("bin", "bin/busybox", "bin/sh", "init");
        assertThat(entries.get("bin")).isEqualTo("40755 ");
        assertThat(entries.get("bin/sh")).isEqualTo("120777 busybox");
        assertThat(entries.get("init")).isEqualTo("100755 #!/bin/sh\n");
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }

    @Test
    void cutsTheAgentsByteStreamIntoWholeReplies() {
        GuestAgent.ReplyScanner scanner = new GuestAgent.ReplyScanner();
        byte[] stream = ("\u00ff{\"return\": 42}\n{\"return\": {\"out-data\": \"}{\\\"\", \"n\": {}}}\n{\"ret")
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < stream.length; i += 5) { // as if it arrived in small reads
            byte[] part = java.util.Arrays.copyOfRange(stream, i, Math.min(stream.length, i + 5));
            scanner.feed(part, part.length);
        }
        assertThat(GuestAgent.ReplyScanner.text(scanner.poll())).isEqualTo("{\"return\": 42}");
        assertThat(GuestAgent.ReplyScanner.text(scanner.poll()))
                .isEqualTo("{\"return\": {\"out-data\": \"}{\\\"\", \"n\": {}}}");
        assertThat(scanner.poll()).as("an unfinished reply waits for more bytes").isNull();
        scanner.feed("urn\": 1}".getBytes(StandardCharsets.UTF_8), 8);
        assertThat(GuestAgent.ReplyScanner.text(scanner.poll())).isEqualTo("{\"return\": 1}");
    }
}

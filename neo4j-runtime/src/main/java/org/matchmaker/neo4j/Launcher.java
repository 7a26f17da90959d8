package org.matchmaker.neo4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs an embedded Neo4j 5.26 with only the Bolt connector, for local development and tests.
 *
 * <p>Usage: {@code Launcher --port 7687 --home DIR [--ready-file FILE] [--pagecache-mb 256]}.
 * Listens on 127.0.0.1 only, with authentication disabled. Once the default database answers it
 * prints {@code READY bolt://127.0.0.1:PORT} and writes the same line to the ready file; SIGTERM
 * shuts the database down cleanly and removes the ready file.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        int port = 7687;
        Path home = null;
        Path readyFile = null;
        long pageCacheMb = 256;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                usage("missing value for " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--port" -> port = Integer.parseInt(value);
                case "--home" -> home = Path.of(value).toAbsolutePath();
                case "--ready-file" -> readyFile = Path.of(value).toAbsolutePath();
                case "--pagecache-mb" -> pageCacheMb = Long.parseLong(value);
                default -> usage("unknown option " + arg);
            }
        }
        if (home == null) {
            usage("--home is required");
        }
        Files.createDirectories(home);

        DatabaseManagementService service;
        try {
            service = start(home, port, pageCacheMb);
        } catch (Throwable failure) {
            System.out.println("FAILED " + failure);
            failure.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Path ready = readyFile;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("STOPPING");
            System.out.flush();
            try {
                service.shutdown();
            } finally {
                if (ready != null) {
                    try {
                        Files.deleteIfExists(ready);
                    } catch (IOException ignored) {
                        // the file is advisory; the Python side also checks the process
                    }
                }
                System.out.println("STOPPED");
                System.out.flush();
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1000)) {
            System.out.println("waiting for the default database");
        }
        String line = "READY bolt://127.0.0.1:" + port;
        if (readyFile != null) {
            Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
            Files.writeString(tmp, line + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println(line);
        System.out.flush();
        stopped.await();
    }

    private static DatabaseManagementService start(Path home, int port, long pageCacheMb) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .build();
    }

    private static void usage(String problem) {
        System.err.println("Launcher: " + problem);
        System.err.println(
                "usage: Launcher --port PORT --home DIR [--ready-file FILE] [--pagecache-mb MB]");
        System.exit(2);
    }
}

package example.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Answers /healthz with the uid, the Java release and whether it runs from the extracted layers. */
@SpringBootApplication
@RestController
public class DemoApplication {
    public static void main(String[] args) {
        SpringApplication.run(DemoApplication.class, args);
    }

    @GetMapping("/healthz")
    public String health() {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        boolean layered = Files.isDirectory(Path.of("/app/lib"));
        return "ok uid=" + uid + " java=" + Runtime.version().feature() + " layered=" + layered;
    }
}

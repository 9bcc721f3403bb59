package io.relata.examples.web;

import java.time.Duration;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot 4 WebFlux application on Relata, as its users write one: the starter
 * ({@code relata-spring-boot-starter}) builds the {@code Relata} bean on Boot's {@code ConnectionFactory} from
 * {@code spring.r2dbc.url} (embedded H2 unless told otherwise, see {@code application.properties}), the
 * {@link UserService} is {@code @Transactional}, and the {@link UserController} returns Relata's publishers.
 *
 * <p>Run it from the repository root with {@code mvn -B -q -Pweb -DskipTests -pl examples -am package}, then
 * {@code curl localhost:8080/users}; stop it with Ctrl+C.
 */
@SpringBootApplication
public class WebApp {

    /**
     * Starts the application.
     *
     * @param args Spring Boot arguments, such as {@code --server.port=9090} or {@code --spring.r2dbc.url=...}
     */
    public static void main(String[] args) {
        SpringApplication.run(WebApp.class, args);
    }

    /**
     * Creates the tables and seeds three users once every bean exists and before the web server starts (an
     * {@code ApplicationRunner} would run after it already takes requests). Start-up waits for it on the main thread,
     * as Boot's own SQL initialisation does; nothing else in the application blocks.
     *
     * @param users the service
     * @return the callback
     */
    @Bean
    SmartInitializingSingleton prepareDatabase(UserService users) {
        return () -> users.prepare().block(Duration.ofMinutes(1));
    }
}

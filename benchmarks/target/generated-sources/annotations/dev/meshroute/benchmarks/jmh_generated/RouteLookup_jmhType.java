package dev.meshroute.benchmarks.jmh_generated;
public class RouteLookup_jmhType extends RouteLookup_jmhType_B3 {
}

